/**
 * Where a CS-Flow training step's time goes, and A/B timing of two builds of its training graph.
 * Inputs are synthetic N(0, 1) feature maps of the preset's training shape, as in train-step.bench.ts.
 *
 *   node -r ./tools/scripts/register.cjs libs/csflow/bench/train-step-profile.bench.ts [--preset seed] [--threads 1]
 *     [--steps 2] [--graph FILE]      profile: one warm-up step, then `--steps` steps under onnxruntime's
 *                                     per-node profiler, summed by op type (ms per step, share, nodes);
 *                                     of this checkout's training graph or of a saved one
 *     [--warmup 1]                    unprofiled runs first (2: past the second run's page faults)
 *     [--keep-trace FILE]             also keep onnxruntime's trace (JSON, per-node shapes) in FILE
 *     --save-graph FILE               write this checkout's training graph (e.g. before a change)
 *     --compare A.onnx,B.onnx [--rounds 3]
 *                                     alternate the two graphs in this process (per round and graph: open,
 *                                     one warm-up step, one timed step, release); median wall and CPU
 *                                     seconds per step and GFLOP/s, FLOPs counted from each graph
 *
 * The graphs of one preset share their input names, so the same batch and initial state feed both.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as ort from 'onnxruntime-node';
import { createRng } from '@defectlab/datasets';
import { countFlops, initialState, LEARNING_RATE_INPUT, OnnxGraphBuilder, STEP_INPUT, type TrainingGraph } from '@defectlab/ml-core';
import { flag, median, numberFlag, runBenchMain, timeSteps } from '@defectlab/ml-core/bench';
import { resolveConfig } from '../src/config';
import { initFlowWeights, type FlowShape } from '../src/network';
import { buildFlowTrainingGraph } from '../src/train';

const SIDES = [16, 8, 4];

interface ProfileEvent {
  readonly cat: string;
  readonly name: string;
  readonly ts: number;
  readonly dur: number;
  readonly args?: { readonly op_name?: string };
}

function openSession(bytes: Uint8Array, threads: number, profilePrefix?: string): Promise<ort.InferenceSession> {
  // the options TrainingSession uses
  return ort.InferenceSession.create(bytes, {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
    logSeverityLevel: 3,
    ...(profilePrefix ? { enableProfiling: true, profileFilePrefix: profilePrefix } : {}),
  });
}

/** Batch, initial state and learning rate (the step input is set per run). */
function stepFeeds(graph: TrainingGraph, batch: number, channels: number, lr: number): Record<string, ort.Tensor> {
  const rng = createRng(1);
  const feeds: Record<string, ort.Tensor> = {};
  SIDES.forEach((s, i) => {
    const dims = [batch, channels, s, s];
    feeds[`feat${i}`] = new ort.Tensor('float32', Float32Array.from({ length: batch * channels * s * s }, () => rng.normal()), dims);
  });
  const dims = new Map(graph.stateInputs.map((s) => [s.name, s.dims]));
  for (const [name, data] of initialState(graph)) feeds[name] = new ort.Tensor('float32', data, [...(dims.get(name) ?? [])]);
  feeds[LEARNING_RATE_INPUT] = new ort.Tensor('float32', Float32Array.of(lr), []);
  return feeds;
}

/** One session run at optimizer step `step` (outputs freed). */
async function runStep(session: ort.InferenceSession, feeds: Record<string, ort.Tensor>, step: number): Promise<void> {
  const out = await session.run({ ...feeds, [STEP_INPUT]: new ort.Tensor('float32', Float32Array.of(step), []) });
  for (const t of Object.values(out)) t.dispose();
}

async function profile(graph: { bytes: Uint8Array; gflop: number }, feeds: Record<string, ort.Tensor>, label: string, threads: number, steps: number, top: number): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'csflow-profile-'));
  try {
    const session = await openSession(graph.bytes, threads, path.join(dir, 'step'));
    // the first runs touch fresh memory (page faults in the optimizer's outputs): `--warmup` of them go untimed
    // (the profiler records them too; the summary below skips them)
    const { wall, cpu } = await timeSteps(steps, (run) => runStep(session, feeds, run + 1), { warmup: numberFlag('warmup', 1) });
    session.endProfiling(); // onnxruntime-node returns no file name: the trace is the one file in `dir`
    await session.release();
    const traceFile = path.join(dir, fs.readdirSync(dir)[0]);
    const keep = flag('keep-trace', '');
    if (keep) fs.copyFileSync(traceFile, keep);
    const events = JSON.parse(fs.readFileSync(traceFile, 'utf8')) as ProfileEvent[];
    // node events: one "<node>_kernel_time" per node and run; skip the warm-up run
    const runs = events.filter((e) => e.cat === 'Session' && e.name === 'model_run');
    const cutoff = runs.length > steps ? runs[runs.length - steps - 1].ts + runs[runs.length - steps - 1].dur : 0;
    const byOp = new Map<string, { us: number; count: number }>();
    for (const e of events) {
      if (e.cat !== 'Node' || !e.name.endsWith('_kernel_time') || e.ts < cutoff) continue;
      const op = e.args?.op_name ?? '?';
      const entry = byOp.get(op) ?? { us: 0, count: 0 };
      entry.us += e.dur;
      entry.count++;
      byOp.set(op, entry);
    }
    const total = [...byOp.values()].reduce((a, b) => a + b.us, 0);
    const gflop = graph.gflop;
    process.stdout.write(
      `${label}, ${threads} thread(s), ${steps} profiled step(s): median ${median(wall).toFixed(2)} s wall, ${median(cpu).toFixed(2)} CPU-s per step ` +
        `(${(gflop / median(wall)).toFixed(1)} GFLOP/s, ${gflop.toFixed(1)} GFLOP), node time ${(total / 1e6 / steps).toFixed(2)} s per step, load ${os.loadavg()[0].toFixed(1)}\n`,
    );
    process.stdout.write('| op type | ms / step | share of node time | nodes |\n| --- | --- | --- | --- |\n');
    for (const [op, { us, count }] of [...byOp].sort((a, b) => b[1].us - a[1].us).slice(0, top)) {
      process.stdout.write(`| ${op} | ${(us / 1000 / steps).toFixed(0)} | ${((100 * us) / total).toFixed(1)} % | ${count / steps} |\n`);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function compare(files: string[], feeds: Record<string, ort.Tensor>, threads: number, rounds: number): Promise<void> {
  const graphs = files.map((f) => {
    const bytes = new Uint8Array(fs.readFileSync(f));
    return { file: f, bytes, gflop: countFlops(OnnxGraphBuilder.fromModel(bytes)).total / 1e9, wall: [] as number[], cpu: [] as number[] };
  });
  for (let r = 0; r < rounds; r++) {
    for (const g of graphs) {
      const session = await openSession(g.bytes, threads);
      try {
        const t = await timeSteps(1, (run) => runStep(session, feeds, run + 1));
        g.wall.push(t.wall[0]);
        g.cpu.push(t.cpu[0]);
        process.stderr.write(`round ${r + 1} ${path.basename(g.file)}: ${t.wall[0].toFixed(2)} s wall, ${t.cpu[0].toFixed(2)} CPU-s, load ${os.loadavg()[0].toFixed(1)}\n`);
      } finally {
        await session.release();
      }
    }
  }
  process.stdout.write(`${threads} thread(s), ${rounds} alternating rounds, load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}\n`);
  process.stdout.write('| graph | GFLOP / step | s / step (median) | CPU s / step | GFLOP/s | GFLOP per CPU-s |\n| --- | --- | --- | --- | --- | --- |\n');
  for (const g of graphs) {
    const wall = median(g.wall);
    const cpu = median(g.cpu);
    process.stdout.write(`| ${path.basename(g.file)} | ${g.gflop.toFixed(1)} | ${wall.toFixed(2)} | ${cpu.toFixed(2)} | ${(g.gflop / wall).toFixed(1)} | ${(g.gflop / cpu).toFixed(1)} |\n`);
  }
}

async function main(): Promise<void> {
  const preset = flag('preset', 'seed');
  const threads = numberFlag('threads', 1);
  const cfg = resolveConfig({ preset });
  const shape: FlowShape = { channels: cfg.featureChannels, hiddenChannels: cfg.hiddenChannels, kernelSizes: cfg.kernelSizes, clamp: cfg.clamp, leakySlope: cfg.leakySlope };
  const graph = buildFlowTrainingGraph(initFlowWeights(shape, 0), cfg.batchSize, SIDES, cfg.optimizer);
  const save = flag('save-graph', '');
  if (save) {
    fs.writeFileSync(save, graph.bytes);
    process.stdout.write(`${save}: ${preset} training graph, ${(graph.flops.total / 1e9).toFixed(1)} GFLOP per step\n`);
    return;
  }
  const feeds = stepFeeds(graph, cfg.batchSize, shape.channels, cfg.optimizer.lr);
  const files = flag('compare', '');
  if (files) await compare(files.split(','), feeds, threads, numberFlag('rounds', 3));
  else {
    const file = flag('graph', '');
    const bytes = file ? new Uint8Array(fs.readFileSync(file)) : graph.bytes;
    const gflop = file ? countFlops(OnnxGraphBuilder.fromModel(bytes)).total / 1e9 : graph.flops.total / 1e9;
    await profile({ bytes, gflop }, feeds, file ? `${preset} (${path.basename(file)})` : preset, threads, numberFlag('steps', 2), numberFlag('top', 15));
  }
}

runBenchMain(main);
