/**
 * `npm run bench` — one reproducible harness for the platform's speed and accuracy figures, separate from
 * the test suite (BENCHMARKS.md explains the figures and holds the latest ones).
 *
 *   npm run bench                        # the full benchmark (hours to days on a CPU: every preset)
 *   npm run bench -- --quick             # a few minutes: thinned data, small presets, fewer epochs
 *   npm run bench -- --quick --compare bench-results/<old>/bench.json   # plus new/old ratio of every figure
 *   npm run bench -- --compare old.json --report new.json                # compare two reports, run nothing
 *
 * Options: --out <dir> (default bench-results/<timestamp>), --only <id substring,...>, --datasets
 * <name,...> (magnetic_tile, demo-lens, demo-flex, demo-smt), --backbone <fit --backbone value>,
 * --shared <dir> (default ../shared), --keep-runs, --no-blocks, --config-override <JSON> (keys merged into
 * every selected model's config, recorded as a reduction of each model and of the report).
 *
 * Each model is fitted and evaluated by the trainer CLI (`npm run cli -- fit / evaluate`) in child
 * processes, so figures come from the same code path as real runs and each peak RSS is the model's own.
 * Writes <out>/bench.json (validated against @defectlab/contracts ZBenchReport), <out>/bench.md and each
 * model's evaluation report under <out>/evaluations/.
 */
import { existsSync, promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ZBenchReport, type TBenchBlocks, type TBenchDataset, type TBenchModelResult, type TBenchReport, type TSplitCounts, type TTrainSteps } from '@defectlab/contracts';
import { backboneBlocks, knnBlock, metricsBlock, type KnnBankSize } from './blocks';
import { REPO_ROOT } from './child';
import { compareReports } from './compare';
import { prepareDemo, prepareMvtecFolder, type PreparedDataset } from './datasets';
import { describeMachine, gitState, runtimeVersions } from './machine';
import { toMarkdown } from './markdown';
import { benchModel, type ModelBenchOutcome, type ModelSpec } from './model-bench';
import { fullPlan, quickPlan, type BenchPlan } from './plan';
import { TRAIN_STEP_ID, trainStepSection } from './train-steps';

export interface BenchOptions {
  readonly plan: BenchPlan;
  readonly outDir: string;
  /** The ../shared folder (datasets and the ResNet-50 backbone). */
  readonly sharedDir: string;
  /** `fit --backbone` value; default the shared ResNet-50, or the npm-only default when it is absent. */
  readonly backbone?: string;
  /** Data set names to run (default all). */
  readonly datasets?: readonly string[];
  /** Keep only models whose id contains one of these. */
  readonly only?: readonly string[];
  /** Keys merged into every selected model's config (e.g. a smaller coreset when the preset cannot finish). */
  readonly configOverride?: Readonly<Record<string, unknown>>;
  readonly keepRuns?: boolean;
  /** Measure the building blocks (default true). */
  readonly blocks?: boolean;
  readonly command: string;
  readonly log: (line: string) => void;
}

export interface BenchOutput {
  readonly report: TBenchReport;
  readonly jsonFile: string;
  readonly markdownFile: string;
}

const RESNET50 = 'resnet50v2-stage1to3';

/** Runs the plan and writes bench.json + bench.md into `outDir`. */
export async function runBench(o: BenchOptions): Promise<BenchOutput> {
  const started = performance.now();
  const createdAt = new Date().toISOString();
  const machine = describeMachine();
  const notes: string[] = [];
  const log = o.log;
  const plan = o.plan;
  await fs.mkdir(o.outDir, { recursive: true });
  const workDir = await fs.mkdtemp(path.join(os.tmpdir(), 'defectlab-bench-'));
  const evaluationsDir = path.join(o.outDir, 'evaluations');
  await fs.mkdir(evaluationsDir, { recursive: true });
  if (machine.loadAverageStart > machine.cores) {
    notes.push(`the machine was busy when the bench started (1-min load average ${machine.loadAverageStart.toFixed(1)} on ${machine.cores} cores): timings are pessimistic`);
  }

  // backbone: the shared ResNet-50 when present
  const resnetOnnx = path.join(o.sharedDir, 'backbones', RESNET50, 'resnet50v2_stage1to3.onnx');
  let backbone = o.backbone;
  if (!backbone) {
    if (existsSync(resnetOnnx)) backbone = RESNET50;
    else {
      backbone = 'default';
      notes.push(`${resnetOnnx} is absent: models ran on the npm-only default backbone instead of the shared ResNet-50`);
    }
  }
  log(`bench ${plan.mode}: backbone ${backbone}, output ${o.outDir}`);
  // `--only train-step` runs the train-step section alone (no data sets, models or blocks)
  const onlyTrainSteps = !!o.only?.length && o.only.every((s) => TRAIN_STEP_ID.includes(s));
  const runTrainSteps = !o.only || o.only.some((s) => TRAIN_STEP_ID.includes(s));

  // data sets
  const wanted = (name: string) => !o.datasets || o.datasets.includes(name);
  const prepared: { ds: PreparedDataset; models: readonly ModelSpec[] }[] = [];
  const datasetInfos: TBenchDataset[] = [];
  try {
    const mtDir = path.join(o.sharedDir, 'datasets', 'magnetic_tile');
    if (wanted('magnetic_tile') && !onlyTrainSteps) {
      if (existsSync(mtDir)) {
        const ds = await prepareMvtecFolder('magnetic_tile', mtDir, workDir, plan.magneticTileLimits);
        prepared.push({ ds, models: plan.magneticTileModels });
      } else {
        notes.push(`${mtDir} is absent: magnetic_tile skipped`);
        log(`skip magnetic_tile: ${mtDir} is absent`);
      }
    }
    for (const line of plan.demoLines) {
      if (!wanted(`demo-${line}`) || onlyTrainSteps) continue;
      prepared.push({ ds: await prepareDemo(line, plan.demo, workDir), models: plan.demoModels });
    }

    // building blocks that need no model
    let blocks: TBenchBlocks = {
      decode: { status: 'skipped', error: 'not requested (--no-blocks)', source: null, images: 0, targetSize: 256, imagesPerSecond: null },
      backbone: { status: 'skipped', error: 'not requested (--no-blocks)', figures: [], skipped: [] },
      knn: { status: 'skipped', error: 'not requested (--no-blocks)', figures: [] },
      metrics: { status: 'skipped', error: 'not requested (--no-blocks)', n: plan.metricsScores, aurocAndOperatingPointsMs: null, aurocMs: null, fitOperatingPointsMs: null, applyToTestMs: null },
    };
    const measureBlocks = o.blocks !== false && !onlyTrainSteps;
    if (measureBlocks) {
      log('blocks: decode + preprocess and backbone extraction (libs/backbones bench)');
      blocks = { ...blocks, ...(await backboneBlocks(plan.backbonesQuick, plan.timeouts.blockMs, (l) => log(`  ${l}`))) };
      log(`blocks: metrics on ${plan.metricsScores} scores (libs/metrics bench)`);
      blocks = { ...blocks, metrics: await metricsBlock(plan.metricsScores, plan.timeouts.blockMs) };
    }

    // models
    const models: TBenchModelResult[] = [];
    const outcomes: ModelBenchOutcome[] = [];
    const countsByDataset = new Map<string, TSplitCounts>();
    for (const { ds, models: specs } of prepared) {
      for (const spec of specs) {
        const id = `${ds.name}/${spec.model}-${spec.preset}`;
        if (o.only && !o.only.some((s) => id.includes(s))) continue;
        const run = withConfigOverride(spec, o.configOverride);
        log(`model ${id} at ${run.imageSize}px, config ${JSON.stringify(run.config)}`);
        const outcome = await benchModel(run, ds, {
          backbone,
          workDir,
          evaluationsDir,
          latencyRuns: plan.latencyRuns,
          timeouts: plan.timeouts,
          keepRuns: o.keepRuns,
          log,
        });
        outcomes.push(outcome);
        models.push(outcome.result);
        if (outcome.counts && !countsByDataset.has(ds.name)) countsByDataset.set(ds.name, outcome.counts);
        const r = outcome.result;
        log(`  -> ${r.status}${r.error ? ` (${r.error})` : ''}${r.accuracy ? `; image AUROC ${r.accuracy.imageAuroc?.toFixed(4) ?? 'n/a'}` : ''}${r.training ? `; train ${r.training.process.wallSeconds.toFixed(1)} s` : ''}`);
      }
      datasetInfos.push({ ...ds.info, counts: countsByDataset.get(ds.name) ?? null });
    }

    let trainSteps: TTrainSteps | undefined;
    if (runTrainSteps) {
      log('train-step: training steps side by side (engines, threads)');
      trainSteps = await trainStepSection(plan.mode === 'quick', log);
    }

    if (measureBlocks) {
      const measured = outcomes.find((x) => x.bank && x.result.dataset === 'magnetic_tile') ?? outcomes.find((x) => x.bank);
      const bank: KnnBankSize = measured?.bank
        ? { ...measured.bank, source: `the memory bank of ${measured.result.id} in this report` }
        : { rows: 16384, dim: 128, queries: 784, source: 'no PatchCore run in this report: 16384 x 128, 28 x 28 queries' };
      log(`blocks: kNN against a ${bank.rows} x ${bank.dim} bank`);
      blocks = { ...blocks, knn: await knnBlock(bank) };
    }

    const report: TBenchReport = {
      format: 'defectlab-bench/1',
      mode: plan.mode,
      createdAt,
      wallSeconds: (performance.now() - started) / 1000,
      command: o.command,
      git: gitState(REPO_ROOT),
      reductions: [
        ...plan.reductions,
        ...(o.only ? [`only models matching ${o.only.join(', ')}`] : []),
        ...(o.datasets ? [`only data sets ${o.datasets.join(', ')}`] : []),
        ...(o.configOverride ? [`config override ${JSON.stringify(o.configOverride)} merged into every model's preset`] : []),
      ],
      notes,
      machine: { ...machine, loadAverageEnd: os.loadavg()[0] },
      runtimeVersions: runtimeVersions(),
      trainingBackends: [...new Set(models.flatMap((m) => (m.training ? [m.training.backend] : [])))],
      backbone: { name: backbone, path: backbone === RESNET50 ? resnetOnnx : null },
      datasets: datasetInfos,
      models,
      blocks,
      ...(trainSteps ? { trainSteps } : {}),
    };
    const jsonFile = path.join(o.outDir, 'bench.json');
    const markdownFile = path.join(o.outDir, 'bench.md');
    const checked = ZBenchReport.safeParse(report);
    if (!checked.success) {
      await fs.writeFile(path.join(o.outDir, 'bench.invalid.json'), JSON.stringify(report, null, 2));
      throw new Error(`the report does not validate: ${checked.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    }
    await fs.writeFile(jsonFile, `${JSON.stringify(checked.data, null, 2)}\n`);
    await fs.writeFile(markdownFile, toMarkdown(checked.data));
    return { report: checked.data, jsonFile, markdownFile };
  } finally {
    if (!o.keepRuns) await fs.rm(workDir, { recursive: true, force: true });
  }
}

/** Reads and validates an earlier report. */
export async function readReport(file: string): Promise<TBenchReport> {
  const r = ZBenchReport.safeParse(JSON.parse(await fs.readFile(file, 'utf8')));
  if (!r.success) throw new Error(`${file}: not a bench report: ${r.error.issues.slice(0, 5).map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return r.data;
}

/** The spec with `override` merged into its config and recorded among its reductions (unchanged without one). */
export function withConfigOverride(spec: ModelSpec, override: Readonly<Record<string, unknown>> | undefined): ModelSpec {
  if (!override) return spec;
  return { ...spec, config: { ...spec.config, ...override }, reductions: [...spec.reductions, `config override ${JSON.stringify(override)} (not the ${spec.preset} preset as shipped)`] };
}

export const USAGE = `Usage:
  npm run bench [-- --quick] [--out <dir>] [--compare <old bench.json>] [--only <id substring,...>]
                [--datasets magnetic_tile,demo-lens,demo-flex,demo-smt] [--backbone <fit --backbone value>]
                [--shared <dir>] [--keep-runs] [--no-blocks] [--config-override '<JSON object>']
  npm run bench -- --compare <old bench.json> --report <new bench.json>    (compare only, runs nothing)
See BENCHMARKS.md.`;

interface CliArgs {
  help: boolean;
  quick: boolean;
  out?: string;
  compare?: string;
  report?: string;
  only?: string[];
  datasets?: string[];
  backbone?: string;
  shared?: string;
  keepRuns: boolean;
  blocks: boolean;
  configOverride?: Record<string, unknown>;
}

function jsonObject(flag: string, text: string): Record<string, unknown> {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw new Error(`${flag} needs a JSON object, got ${text}`);
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error(`${flag} needs a JSON object, got ${text}`);
  return v as Record<string, unknown>;
}

/** Parses the bench's command line. @throws Error naming an unknown flag or a missing value */
export function parseBenchArgs(argv: readonly string[]): CliArgs {
  const a: CliArgs = { help: false, quick: false, keepRuns: false, blocks: true };
  const list = (v: string) => v.split(',').map((s) => s.trim()).filter(Boolean);
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) throw new Error(`${flag} needs a value`);
      return v;
    };
    if (flag === '--help' || flag === '-h') a.help = true;
    else if (flag === '--quick') a.quick = true;
    else if (flag === '--keep-runs') a.keepRuns = true;
    else if (flag === '--no-blocks') a.blocks = false;
    else if (flag === '--out') a.out = value();
    else if (flag === '--compare') a.compare = value();
    else if (flag === '--report') a.report = value();
    else if (flag === '--only') a.only = list(value());
    else if (flag === '--datasets') a.datasets = list(value());
    else if (flag === '--backbone') a.backbone = value();
    else if (flag === '--shared') a.shared = value();
    else if (flag === '--config-override') a.configOverride = jsonObject(flag, value());
    else throw new Error(`unknown flag ${flag}`);
  }
  return a;
}

async function main(argv: readonly string[]): Promise<number> {
  const args = parseBenchArgs(argv);
  const log = (l: string) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${l}\n`);
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (args.report) {
    if (!args.compare) throw new Error('--report needs --compare <old.json>');
    for (const line of compareReports(await readReport(args.compare), await readReport(args.report))) process.stdout.write(`${line}\n`);
    return 0;
  }
  const old = args.compare ? await readReport(args.compare) : null; // fail early on a bad file
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const out = await runBench({
    plan: args.quick ? quickPlan() : fullPlan(),
    outDir: path.resolve(args.out ?? path.join(REPO_ROOT, 'bench-results', `${stamp}${args.quick ? '-quick' : ''}`)),
    sharedDir: path.resolve(args.shared ?? path.join(REPO_ROOT, '..', 'shared')),
    backbone: args.backbone,
    datasets: args.datasets,
    only: args.only,
    keepRuns: args.keepRuns,
    blocks: args.blocks,
    configOverride: args.configOverride,
    command: `npm run bench --${argv.length ? ` ${argv.join(' ')}` : ''}`,
    log,
  });
  process.stdout.write(`${toMarkdown(out.report)}\n`);
  if (old) {
    process.stdout.write(`\nCompared with ${args.compare} (new / old):\n`);
    for (const line of compareReports(old, out.report)) process.stdout.write(`${line}\n`);
  }
  const failed = out.report.models.filter((m) => m.status === 'failed');
  if (failed.length) log(`${failed.length} of ${out.report.models.length} models failed (reported in the JSON with their errors)`);
  log(`wrote ${out.jsonFile} and ${out.markdownFile} in ${(out.report.wallSeconds / 60).toFixed(1)} min`);
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      process.stderr.write(`error: ${(e as Error)?.message ?? String(e)}\n${USAGE}\n`);
      process.exit(1);
    },
  );
}
