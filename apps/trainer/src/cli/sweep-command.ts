/**
 * `sweep`: trains one model kind over a grid of config options (the cartesian product, in grid order) on one
 * MVTec folder, each run into `<out>/run-<index>`, and records every run in `<out>/sweep.json`. Every point is
 * checked with the kind's strict schema before anything trains; a grid of more runs than the confirmation
 * limit (DEFECTLAB_SWEEP_CONFIRM_LIMIT, default 12) needs `--yes`.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { DEFAULT_SWEEP_CONFIRM_LIMIT, MAX_SWEEP_RUNS, ZModelKind, ZSweepGrid, expandGrid, gridSize, pointConfig, sweepIssues, type TModelKind } from '@defectlab/contracts';
import { resolveUserConfig } from '../model-registry';
import { fitRun } from '../run/fit-run';
import type { Log } from '../run/progress';
import { UserError } from '../user-error';
import type { SweepCommand } from './parse-args';
import { readConfig } from './run-command';

export const SWEEP_FILE = 'sweep.json';

export interface SweepPlanRun {
  readonly index: number;
  readonly gridPoint: Record<string, unknown>;
  readonly dir: string;
  readonly resolvedConfig: Record<string, unknown>;
  status: 'planned' | 'succeeded' | 'failed';
  error?: string;
}

export interface SweepPlan {
  readonly format: 'defectlab-sweep/1';
  readonly kind: TModelKind;
  readonly baseConfig: Record<string, unknown>;
  readonly grid: Record<string, unknown[]>;
  readonly seed: number;
  readonly runs: SweepPlanRun[];
}

/** The confirmation limit of this process: DEFECTLAB_SWEEP_CONFIRM_LIMIT, else 12. */
export function sweepConfirmLimit(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env['DEFECTLAB_SWEEP_CONFIRM_LIMIT'];
  if (raw === undefined || raw === '') return DEFAULT_SWEEP_CONFIRM_LIMIT;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n <= 0) throw new UserError(`DEFECTLAB_SWEEP_CONFIRM_LIMIT must be a positive integer, got "${raw}"`);
  return n;
}

/**
 * Checks a sweep and lists its runs (nothing is trained or written).
 * @throws UserError naming the field (`--grid <option>: ...`, `--config <field>: ...`), or asking for --yes
 */
export async function planSweep(cmd: SweepCommand, env: NodeJS.ProcessEnv = process.env): Promise<SweepPlan> {
  const kind = ZModelKind.safeParse(cmd.kind);
  if (!kind.success) throw new UserError(`--kind ${cmd.kind}: expected one of ${ZModelKind.options.join(', ')}`);
  const grid = ZSweepGrid.safeParse(cmd.grid);
  if (!grid.success) {
    throw new UserError(`--grid: ${grid.error.issues.map((i) => `${i.path.length ? `${i.path.join('.')}: ` : ''}${i.message}`).join('; ')} (expected {"option": [values, ...]})`);
  }
  const base = await readConfig(cmd.config);
  if (typeof base !== 'object' || base === null || Array.isArray(base)) throw new UserError('--config: expected a JSON object');
  const baseConfig = base as Record<string, unknown>;
  const n = gridSize(grid.data);
  if (n > MAX_SWEEP_RUNS) throw new UserError(`--grid makes ${n} runs; at most ${MAX_SWEEP_RUNS} per sweep`);
  const issues = sweepIssues(kind.data, baseConfig, grid.data);
  if (issues.length > 0) {
    const named = issues.map((i) => `${i.path[0] === 'grid' ? '--grid' : '--config'} ${i.path.slice(1).join('.')}: ${i.message}`);
    throw new UserError(`invalid ${kind.data} sweep: ${named.join('; ')}`);
  }
  const limit = sweepConfirmLimit(env);
  if (n > limit && !cmd.yes) throw new UserError(`the grid makes ${n} runs, more than ${limit} (DEFECTLAB_SWEEP_CONFIRM_LIMIT); pass --yes to train them all`);
  const seed = cmd.seed ?? 0;
  const width = String(n - 1).length;
  const runs = expandGrid(grid.data).map((gridPoint, index) => ({
    index,
    gridPoint,
    dir: path.join(path.resolve(cmd.out), `run-${String(index).padStart(width, '0')}`),
    resolvedConfig: resolveUserConfig(kind.data, pointConfig(baseConfig, gridPoint), seed, cmd.imageSize),
    status: 'planned' as const,
  }));
  return { format: 'defectlab-sweep/1', kind: kind.data, baseConfig, grid: grid.data, seed, runs };
}

/**
 * Plans the sweep, writes `sweep.json`, then (unless `--dry-run`) fits every run in turn, recording each
 * run's outcome in `sweep.json` as it ends. A failed run is recorded and the sweep goes on.
 */
export async function runSweep(cmd: SweepCommand, log: Log, env: NodeJS.ProcessEnv = process.env): Promise<SweepPlan> {
  const plan = await planSweep(cmd, env);
  const outDir = path.resolve(cmd.out);
  await fs.mkdir(outDir, { recursive: true });
  const save = () => fs.writeFile(path.join(outDir, SWEEP_FILE), `${JSON.stringify(plan, null, 2)}\n`);
  await save();
  log(`sweep ${plan.kind}: ${plan.runs.length} run(s) over ${Object.keys(plan.grid).join(', ')}${cmd.dryRun ? ' (dry run: nothing trained)' : ''}`);
  if (cmd.dryRun) return plan;
  for (const run of plan.runs) {
    log(`run ${run.index + 1}/${plan.runs.length}: ${JSON.stringify(run.gridPoint)}`);
    try {
      await fitRun({ model: plan.kind, data: cmd.data, backbone: cmd.backbone, modelConfig: run.resolvedConfig, out: run.dir }, log);
      run.status = 'succeeded';
    } catch (e) {
      run.status = 'failed';
      run.error = (e as Error).message;
      log(`run ${run.index + 1} failed: ${run.error}`);
    }
    await save();
  }
  return plan;
}
