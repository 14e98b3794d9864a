import { execFile } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { resolveModelConfig } from '@defectlab/contracts';
import { UserError } from '../user-error';
import { parseArgs, type SweepCommand } from './parse-args';
import { SWEEP_FILE, planSweep, runSweep, type SweepPlan } from './sweep-command';

const ROOT = path.resolve(__dirname, '..', '..', '..', '..');
const quiet = () => undefined;

describe('sweep (CLI)', () => {
  let out: string;
  beforeEach(async () => {
    out = path.join(await fs.mkdtemp(path.join(os.tmpdir(), 'dl-sweep-')), 'out');
  });
  afterEach(() => fs.rm(path.dirname(out), { recursive: true, force: true }));

  const sweep = (grid: unknown, ...extra: string[]): SweepCommand =>
    parseArgs(['sweep', '--kind', 'fastflow', '--grid', JSON.stringify(grid), '--data', '/no/data', '--backbone', 'default', '--out', out, ...extra]) as SweepCommand;

  it('parses sweep with its switches', () => {
    expect(sweep({ flowSteps: [2] }, '--config', '{"preset":"small"}', '--seed', '5', '--yes', '--dry-run')).toEqual({
      command: 'sweep',
      kind: 'fastflow',
      grid: { flowSteps: [2] },
      data: '/no/data',
      backbone: 'default',
      config: { kind: 'inline', value: { preset: 'small' } },
      seed: 5,
      imageSize: undefined,
      out,
      yes: true,
      dryRun: true,
    });
    expect(() => sweep({}, '--yes=1')).toThrow(/--yes takes no value/);
    expect(() => parseArgs(['sweep', '--kind', 'cfa', '--grid', '{nope', '--data', 'd', '--backbone', 'b', '--out', 'o'])).toThrow(/--grid: not valid JSON/);
  });

  it.each([
    [{ hiddenRatoi: [1] }, [], /--grid hiddenRatoi: unknown fastflow option "hiddenRatoi"/],
    [{ flowSteps: [4, 0] }, [], /--grid flowSteps: .*value 0/],
    [{ cropFraction: [0.5, 2] }, [], /--grid cropFraction: .*value 2/],
    [{ flowSteps: [4] }, ['--config', '{"preset":"huge"}'], /--config preset:/],
    [{ flowSteps: [] }, [], /--grid: flowSteps: /],
    [{}, [], /--grid: the grid needs at least one option/],
  ] as const)('bad input %j is an error naming the field, before anything is written', async (grid, extra, message) => {
    const err = await runSweep(sweep(grid, ...extra), quiet).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toMatch(message);
    expect(existsSync(out)).toBe(false);
  });

  it('more runs than the limit need --yes; with it the whole grid is planned in grid order', async () => {
    const grid = { flowSteps: [1, 2, 3], hiddenRatio: [0.125, 0.25] };
    const env = { DEFECTLAB_SWEEP_CONFIRM_LIMIT: '5' };
    await expect(planSweep(sweep(grid), env)).rejects.toThrow(/6 runs, more than 5 .*pass --yes/);
    expect(existsSync(out)).toBe(false);
    const plan = await runSweep(sweep(grid, '--yes', '--dry-run', '--config', '{"preset":"small"}', '--seed', '9'), quiet, env);
    expect(plan.runs.map((r) => r.gridPoint)).toEqual([1, 2, 3].flatMap((flowSteps) => [0.125, 0.25].map((hiddenRatio) => ({ flowSteps, hiddenRatio }))));
    expect(plan.runs[5].resolvedConfig).toEqual({ ...resolveModelConfig('fastflow', { preset: 'small', flowSteps: 3, hiddenRatio: 0.25 }, 9) });
    const written = JSON.parse(await fs.readFile(path.join(out, SWEEP_FILE), 'utf8')) as SweepPlan;
    expect(written.runs.map((r) => [path.basename(r.dir), r.status])).toEqual([0, 1, 2, 3, 4, 5].map((i) => [`run-${i}`, 'planned']));
    // the default limit (12) lets six runs through without --yes
    await expect(planSweep(sweep(grid), {})).resolves.toMatchObject({ kind: 'fastflow' });
  });

  it('the CLI exits 2 with one line naming the field for a bad grid', async () => {
    const run = promisify(execFile)(process.execPath, ['-r', './tools/scripts/register.cjs', 'apps/trainer/src/cli.ts', 'sweep', '--kind', 'cfa', '--grid', '{"gammaD":[0]}', '--data', '/no', '--backbone', 'default', '--out', out], { cwd: ROOT });
    const err = (await run.catch((e: unknown) => e)) as { code: number; stderr: string };
    expect(err.code).toBe(2);
    expect(err.stderr).toMatch(/error: invalid cfa sweep: --grid gammaD: .*value 0/);
  }, 60_000);
});
