/**
 * The train-step section of `npm run bench` (`--only train-step` runs it alone): training steps timed side
 * by side in one run, each entry in its own child process so its peak RSS is its own (the ONNX engine:
 * libs/<model>/bench/train-step.bench.ts; the TensorFlow.js reference: tfjs-reference/csflow-train-step.ts),
 * next to `referenceConvGflops`, a plain onnxruntime 3x3 Conv forward measured in the same run with the same
 * threads (tools/bench/reference-conv.ts). Written into bench.json as `trainSteps`. `--quick` cuts the timed
 * steps of the seed preset (never the preset or the batch).
 */
import * as os from 'node:os';
import * as path from 'node:path';
import type { TTrainStepEntry, TTrainSteps } from '@defectlab/contracts';
import { lastJsonObject } from './blocks';
import { failureReason, REPO_ROOT, runChild } from './child';

const STEP_SCRIPTS = {
  onnx: {
    csflow: path.join(REPO_ROOT, 'libs', 'csflow', 'bench', 'train-step.bench.ts'),
    cfa: path.join(REPO_ROOT, 'libs', 'cfa', 'bench', 'train-step.bench.ts'),
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

interface StepSpec {
  readonly model: 'csflow' | 'cfa';
  readonly preset: 'small' | 'seed' | 'paper';
  readonly engine: 'onnx' | 'tfjs';
  readonly threads: number;
  readonly steps: number;
}

/**
 * The entries of a mode: CS-Flow small and seed on the ONNX engine with 1 and 2 threads and on the
 * tfjs-wasm reference (one thread); CFA at its paper setting on the ONNX engine with 1 and 2 threads (its
 * TF.js reference is a loss only, tfjs-reference/cfa/loss.ts, not a training step).
 */
export function trainStepPlan(quick: boolean): StepSpec[] {
  const specs: StepSpec[] = [];
  for (const preset of ['small', 'seed'] as const) {
    const steps = preset === 'seed' && quick ? 1 : 3;
    for (const threads of THREADS) specs.push({ model: 'csflow', preset, engine: 'onnx', threads, steps });
    specs.push({ model: 'csflow', preset, engine: 'tfjs', threads: 1, steps });
  }
  for (const threads of THREADS) specs.push({ model: 'cfa', preset: 'paper', engine: 'onnx', threads, steps: 3 });
  return specs;
}

const REFERENCE_TIMEOUT_MS = 10 * 60_000;
/** Per entry: a seed-preset step takes ~15-60 s on one core of this VM and up to ~3 min on tfjs-wasm under load. */
const ENTRY_TIMEOUT_MS: Record<StepSpec['preset'], number> = { small: 15 * 60_000, seed: 60 * 60_000, paper: 30 * 60_000 };

export async function trainStepSection(quick: boolean, log: (l: string) => void): Promise<TTrainSteps> {
  const loadAverageStart = os.loadavg()[0];
  const notes: string[] = [
    'CS-Flow inputs: synthetic N(0,1) feature maps of the preset\'s training shape (batch 16, sides 16/8/4); seed preset at 256 px as in the rest of the benchmark',
    'gflopPerStep: counted from the ONNX training graph (2 per multiply-add of Conv/ConvTranspose/MatMul/Gemm, 1 per output element of other float ops); the tfjs entries do the same computation and use the same count',
    'CFA paper setting: 1792-d descriptor, 3136 centres (56 x 56 grid at 224 px), batch 4, synthetic N(0,1) features and centres; ONNX engine only (no TF.js reference step for CFA)',
  ];
  if (quick) notes.push('--quick: the seed preset is timed over 1 step after a warm-up instead of 3');
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
    log(`train-step: ${s.model} ${s.preset} on ${s.engine}, ${s.threads} thread(s), ${s.steps} timed step(s)`);
    const args = ['--preset', s.preset, '--threads', String(s.threads), '--steps', String(s.steps)];
    const timeoutMs = ENTRY_TIMEOUT_MS[s.preset];
    const r = await runChild(stepScript(s), args, { timeoutMs, onLine: (l) => log(`  ${l}`) });
    const base = { model: s.model, preset: s.preset, threads: s.threads, batch: s.model === 'cfa' ? 4 : 16, imageSize: s.model === 'cfa' ? 224 : s.preset === 'seed' ? 256 : 128, timedSteps: 0 };
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
  return { referenceConvGflops: byThreads['1'] ?? null, referenceConvGflopsByThreads: byThreads, referenceConvGflopsPerCpuSecond: perCpu, loadAverageStart, loadAverageEnd: os.loadavg()[0], notes, entries };
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
  return out;
}
