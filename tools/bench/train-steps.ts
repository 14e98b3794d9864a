/**
 * The train-step section of `npm run bench` (`--only train-step` runs it alone): training steps timed side
 * by side in one run, each entry in its own child process so its peak RSS is its own (the ONNX engine:
 * libs/<model>/bench/train-step.bench.ts; the TensorFlow.js reference: tfjs-reference/csflow-train-step.ts),
 * next to `referenceConvGflops`, a plain onnxruntime 3x3 Conv forward measured in the same run with the same
 * threads (tools/bench/reference-conv.ts), and the full-fit budget of every trained kind's seed-like preset
 * derived from the entries (fit-budget.ts). Written into bench.json as `trainSteps`. `--quick` cuts the timed
 * steps of the seed-like presets (never the preset or the batch) and leaves out the CS-Flow paper preset
 * (768 px, batch 1 and 2: issue 15's "paper preset trains at batch 1-2 within 16 GB"), run in the full mode only.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import { CFLOW_PRESETS, type TTrainStepEntry, type TTrainSteps } from '@defectlab/contracts';
import { readDescriptor, SHIPPED_BACKBONES } from '@defectlab/backbones';
import { lastJsonObject } from './blocks';
import { failureReason, REPO_ROOT, runChild } from './child';
import { fitBudgets, seedFitSchedules } from './fit-budget';

/** Training images of magnetic_tile's full split (the trainer's default rule), which the fit budgets are for. */
export const MAGNETIC_TILE_TRAIN_IMAGES = 698;

const STEP_SCRIPTS = {
  onnx: {
    csflow: path.join(REPO_ROOT, 'libs', 'csflow', 'bench', 'train-step.bench.ts'),
    cfa: path.join(REPO_ROOT, 'libs', 'cfa', 'bench', 'train-step.bench.ts'),
    fastflow: path.join(REPO_ROOT, 'libs', 'fastflow', 'bench', 'train-step.bench.ts'),
    cflow: path.join(REPO_ROOT, 'libs', 'cflow', 'bench', 'train-step.bench.ts'),
  },
  tfjs: { csflow: path.join(REPO_ROOT, 'tools', 'bench', 'tfjs-reference', 'csflow-train-step.ts') },
};

/** The child script timing `s`: the model's ONNX engine script, or the TensorFlow.js reference. */
function stepScript(s: StepSpec): string {
  if (s.engine === 'onnx') return STEP_SCRIPTS.onnx[s.model];
  if (s.model === 'csflow') return STEP_SCRIPTS.tfjs.csflow;
  throw new Error(`train-step: no TensorFlow.js reference step for ${s.model}`);
}
const REFERENCE_SCRIPT = path.join(REPO_ROOT, 'tools', 'bench', 'reference-conv.ts');
const THREADS = [1, 2];
/** What `--only` matches to select this section. */
export const TRAIN_STEP_ID = 'train-step';

export interface StepSpec {
  readonly model: keyof typeof STEP_SCRIPTS.onnx;
  /** The preset as the entry reports it (CFlow-AD: `<preset>:<layer>`, one entry per stage decoder). */
  readonly preset: string;
  readonly engine: 'onnx' | 'tfjs';
  readonly threads: number;
  readonly steps: number;
  /** Images per timed step (CFlow-AD: fibers), reported if the entry fails. */
  readonly batch: number;
  readonly imageSize: number;
  /** Arguments of the model's step script besides --threads and --steps. */
  readonly args: readonly string[];
  readonly timeoutMs: number;
}

const MINUTE = 60_000;
const REFERENCE_TIMEOUT_MS = 10 * MINUTE;
const CFLOW_SEED_LAYERS = CFLOW_PRESETS.seed.layers;
/** CS-Flow's seed preset at its own 768 px: a batch-16 step needs ~50 GB here, so 2 images per timed step. */
const CSFLOW_SEED_768_BATCH = 2;
/** FastFlow's seed preset: a batch-32 step needs ~30 GB here, so 4 images per timed step. */
const FASTFLOW_SEED_BATCH = 4;
/** CS-Flow paper preset batches (issue 15: "must at least train at batch 1-2 within 16 GB"). */
const CSFLOW_PAPER_BATCHES = [1, 2];

/**
 * The entries of a mode. CS-Flow small and seed at 256 px on the ONNX engine with 1 and 2 threads and on
 * the tfjs-wasm reference, one thread (the engine comparison of issue 15); then every trained kind at its seed-like preset on the ONNX
 * engine with 1 and 2 threads, for the full-fit budget: CS-Flow seed at its own 768 px, FastFlow seed,
 * CFlow-AD seed (each stage decoder), CFA paper (its TF.js reference is a loss only, not a training step). Steps too big for this
 * machine's memory are timed on fewer images (the entry's batch says so; the budget scales them).
 * `--quick` times the seed-like steps over 1 step instead of 3 (never another preset or batch). The full mode
 * adds CS-Flow's paper preset (275 M parameters, 768 px, sides 24/12/6) at batch 1 and 2, one thread: its
 * state alone is 3.3 GB and a step takes ~30 s here, and `--quick` may not cut its batch, so it runs in the
 * full mode only.
 */
export function trainStepPlan(quick: boolean): StepSpec[] {
  const specs: StepSpec[] = [];
  const seedSteps = quick ? 1 : 3;
  for (const preset of ['small', 'seed'] as const) {
    const steps = preset === 'seed' ? seedSteps : 3;
    const imageSize = preset === 'seed' ? 256 : 128;
    const timeoutMs = preset === 'seed' ? 60 * MINUTE : 15 * MINUTE;
    const common = { model: 'csflow' as const, preset, steps, batch: 16, imageSize, timeoutMs };
    for (const threads of THREADS) specs.push({ ...common, engine: 'onnx', threads, args: ['--preset', preset] });
    specs.push({ ...common, engine: 'tfjs', threads: 1, args: ['--preset', preset] });
  }
  for (const threads of THREADS) {
    const onnx = { engine: 'onnx' as const, threads, steps: seedSteps, timeoutMs: 60 * MINUTE };
    specs.push({ ...onnx, model: 'csflow', preset: 'seed', batch: CSFLOW_SEED_768_BATCH, imageSize: 768, args: ['--preset', 'seed', '--image-size', '768', '--batch', String(CSFLOW_SEED_768_BATCH)] });
    specs.push({ ...onnx, model: 'fastflow', preset: 'seed', batch: FASTFLOW_SEED_BATCH, imageSize: 256, args: ['--preset', 'seed', '--batch', String(FASTFLOW_SEED_BATCH)] });
    CFLOW_SEED_LAYERS.forEach((layer, stage) =>
      specs.push({ ...onnx, model: 'cflow', preset: `seed:${layer}`, batch: 256, imageSize: 256, args: ['--preset', 'seed', '--stage', String(stage)] }),
    );
    specs.push({ ...onnx, model: 'cfa', preset: 'paper', batch: 4, imageSize: 224, steps: 3, timeoutMs: 30 * MINUTE, args: ['--preset', 'paper'] });
  }
  if (!quick) {
    for (const batch of CSFLOW_PAPER_BATCHES) {
      specs.push({ model: 'csflow', preset: 'paper', engine: 'onnx', threads: 1, steps: 3, batch, imageSize: 768, timeoutMs: 30 * MINUTE, args: ['--preset', 'paper', '--batch', String(batch)] });
    }
  }
  return specs;
}

export async function trainStepSection(quick: boolean, log: (l: string) => void): Promise<TTrainSteps> {
  const loadAverageStart = os.loadavg()[0];
  const notes: string[] = [
    'CS-Flow inputs: synthetic N(0,1) feature maps of the preset\'s training shape (batch 16, sides 16/8/4); seed preset at 256 px as in the rest of the benchmark',
    'gflopPerStep: counted from the ONNX training graph (2 per multiply-add of Conv/ConvTranspose/MatMul/Gemm, 1 per output element of other float ops); the tfjs entries do the same computation and use the same count',
    'CFA paper setting: 1792-d descriptor, 3136 centres (56 x 56 grid at 224 px), batch 4, synthetic N(0,1) features and centres; ONNX engine only (no TF.js reference step for CFA)',
    `CS-Flow seed at its own 768 px (sides 48/24/12) timed on ${CSFLOW_SEED_768_BATCH} images per step and FastFlow seed (256 px, stage1/stage2_act/stage3_act) on ${FASTFLOW_SEED_BATCH}: their preset batches (16, 32) need more memory than this machine has; the budget scales them per image`,
    'CFlow-AD seed: one entry per stage decoder (preset seed:<layer>), batch = 256 fibers (patch positions) per step, synthetic N(0,1) fibers and conditions',
  ];
  if (quick) notes.push('--quick: the seed-like steps are timed over 1 step after a warm-up instead of 3; the CS-Flow paper preset (full mode only) is left out');
  else notes.push('CS-Flow paper preset: 768 px, sides 24/12/6 (the paper\'s 24 x 24 finest map), 304 channels, 1024 hidden, batch 1 and 2, one thread (issue 15: trains at batch 1-2 within 16 GB)');
  const byThreads: Record<string, number | null> = {};
  const perCpu: Record<string, number | null> = {};
  for (const threads of THREADS) {
    log(`train-step: reference Conv with ${threads} thread(s)`);
    const r = await runChild(REFERENCE_SCRIPT, ['--threads', String(threads)], { timeoutMs: REFERENCE_TIMEOUT_MS, onLine: (l) => log(`  ${l}`) });
    const j = r.process.exitCode === 0 ? (lastJsonObject(r.stdout) as { gflops: number; gflopsPerCpuSecond: number }) : null;
    byThreads[String(threads)] = j?.gflops ?? null;
    perCpu[String(threads)] = j?.gflopsPerCpuSecond ?? null;
  }
  const entries: TTrainStepEntry[] = [];
  for (const s of trainStepPlan(quick)) {
    log(`train-step: ${s.model} ${s.preset} at ${s.imageSize} px, batch ${s.batch}, on ${s.engine}, ${s.threads} thread(s), ${s.steps} timed step(s)`);
    const args = [...s.args, '--threads', String(s.threads), '--steps', String(s.steps)];
    const timeoutMs = s.timeoutMs;
    const r = await runChild(stepScript(s), args, { timeoutMs, onLine: (l) => log(`  ${l}`) });
    const base = { model: s.model, preset: s.preset, threads: s.threads, batch: s.batch, imageSize: s.imageSize, timedSteps: 0 };
    if (r.process.exitCode !== 0) {
      entries.push({ ...base, engine: s.engine, status: 'failed', error: failureReason(r, timeoutMs), secondsPerStep: null, cpuSecondsPerStep: null, imagesPerSecond: null, gflopPerStep: null, gflops: null, gflopsPerCpuSecond: null, peakRssBytes: r.process.peakRssBytes, stateBytes: null, stateCopySeconds: null });
      continue;
    }
    const j = lastJsonObject(r.stdout) as Omit<TTrainStepEntry, 'status' | 'error' | 'peakRssBytes'>;
    entries.push({
      model: j.model,
      preset: j.preset,
      engine: j.engine,
      threads: j.threads,
      batch: j.batch,
      imageSize: j.imageSize,
      status: 'ok',
      error: null,
      secondsPerStep: j.secondsPerStep,
      cpuSecondsPerStep: j.cpuSecondsPerStep,
      timedSteps: j.timedSteps,
      imagesPerSecond: j.imagesPerSecond,
      gflopPerStep: j.gflopPerStep,
      gflops: j.gflops,
      gflopsPerCpuSecond: j.cpuSecondsPerStep && j.gflopPerStep ? j.gflopPerStep / j.cpuSecondsPerStep : null,
      peakRssBytes: r.process.peakRssBytes,
      stateBytes: j.stateBytes,
      stateCopySeconds: j.stateCopySeconds,
    });
  }
  const { descriptor } = await readDescriptor(SHIPPED_BACKBONES['resnet50v2-stage1to3']);
  const budgets = fitBudgets(seedFitSchedules(MAGNETIC_TILE_TRAIN_IMAGES, descriptor.layers), entries);
  return { referenceConvGflops: byThreads['1'] ?? null, referenceConvGflopsByThreads: byThreads, referenceConvGflopsPerCpuSecond: perCpu, loadAverageStart, loadAverageEnd: os.loadavg()[0], notes, entries, fitBudgets: budgets };
}

/** Markdown table of the section. */
export function trainStepsMarkdown(t: TTrainSteps): string[] {
  const ref = (threads: number) => t.referenceConvGflopsByThreads[String(threads)];
  const out = [
    '',
    `## Training steps (reference Conv: ${Object.entries(t.referenceConvGflopsByThreads).map(([k, v]) => `${v?.toFixed(1) ?? 'n/a'} GFLOP/s wall, ${t.referenceConvGflopsPerCpuSecond[k]?.toFixed(1) ?? 'n/a'} per CPU-second with ${k} thread(s)`).join('; ')}; load average ${t.loadAverageStart.toFixed(1)} -> ${t.loadAverageEnd.toFixed(1)})`,
    '',
    '| model | preset | engine | threads | batch | px | s / step | CPU s / step | images/s | GFLOP / step | GFLOP/s | x reference | GFLOP per CPU-s | x reference per CPU-s | peak RSS | state MiB | state copy s |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const e of t.entries) {
    const r = ref(e.threads);
    const rc = t.referenceConvGflopsPerCpuSecond[String(e.threads)];
    out.push(
      `| ${e.model} | ${e.preset} | ${e.engine}${e.status !== 'ok' ? ` (${e.status}: ${e.error})` : ''} | ${e.threads} | ${e.batch} | ${e.imageSize} | ${e.secondsPerStep?.toFixed(2) ?? 'n/a'} | ${e.cpuSecondsPerStep?.toFixed(2) ?? 'n/a'} | ${e.imagesPerSecond?.toFixed(1) ?? 'n/a'} | ` +
        `${e.gflopPerStep?.toFixed(1) ?? 'n/a'} | ${e.gflops?.toFixed(1) ?? 'n/a'} | ${e.gflops && r ? (e.gflops / r).toFixed(2) : 'n/a'} | ${e.gflopsPerCpuSecond?.toFixed(1) ?? 'n/a'} | ${e.gflopsPerCpuSecond && rc ? (e.gflopsPerCpuSecond / rc).toFixed(2) : 'n/a'} | ${e.peakRssBytes ? `${(e.peakRssBytes / 2 ** 20).toFixed(0)} MiB` : 'n/a'} | ` +
        `${e.stateBytes ? (e.stateBytes / 2 ** 20).toFixed(0) : 'n/a'} | ${e.stateCopySeconds?.toFixed(3) ?? 'n/a'} |`,
    );
  }
  for (const n of t.notes) out.push(`- ${n}`);
  if (t.fitBudgets?.length) {
    const h = (x: number | null) => (x === null ? 'n/a' : x.toFixed(1));
    out.push(
      '',
      `### Full-fit budget on magnetic_tile (${MAGNETIC_TILE_TRAIN_IMAGES} training images; optimizer steps only, from the CPU seconds per step above)`,
      '',
      '| model | preset | schedule | steps | hours on one free core | hours on two free cores | note |',
      '| --- | --- | --- | --- | --- | --- | --- |',
    );
    for (const b of t.fitBudgets) out.push(`| ${b.model} | ${b.preset} | ${b.schedule} | ${b.steps} | ${h(b.oneCoreHours)} | ${h(b.twoCoreHours)} | ${b.scaled ?? ''} |`);
  }
  return out;
}
