/**
 * Times CS-Flow training steps of one preset on the ONNX engine (a child of `npm run bench -- --only
 * train-step`, one process per entry so its peak RSS is its own; the tfjs-wasm entries it is compared with
 * come from tools/bench/tfjs-reference/csflow-train-step.ts, same protocol and inputs):
 *
 *   node -r ./tools/scripts/register.cjs libs/csflow/bench/train-step.bench.ts --preset small|seed|paper --threads 1 --steps 3 \
 *     [--image-size 768 --batch 2]
 *
 * Inputs are synthetic N(0, 1) feature maps of the preset's training shape (the reduced backbone
 * features have unit variance by construction; a step's cost does not depend on their values): batch
 * = the preset's, sides 16/8/4 (small: 128 px at ResNet-50 v2 stage2, stride 8; seed: 256 px at stage3,
 * stride 16), 24/12/6 for paper (768 px at stride 32: the paper's 24 x 24 finest map, and the layer the
 * model picks at 768 px). `--image-size` scales the sides (the seed preset's own 768 px: 48/24/12) and `--batch` times
 * fewer images than the preset's when its step does not fit this machine's memory (`presetBatch` in the
 * output). One warm-up step, then `--steps` timed steps; prints one JSON object (median seconds per step,
 * FLOPs counted from the ONNX training graph).
 */
import { createRng } from '@defectlab/datasets';
import type { Tensor } from '@defectlab/ml-core';
import { flag, median, numberFlag, onnxEngineName, printJson, runBenchMain, stepFigures, timeTrainingSteps, trainingStateBytes } from '@defectlab/ml-core/bench';
import { resolveConfig } from '../src/config';
import { initFlowWeights, type FlowShape } from '../src/network';
import { buildFlowTrainingGraph } from '../src/train';

const IMAGE_SIZE: Record<string, number> = { small: 128, seed: 256, paper: 768 };
const SIDES: Record<string, readonly number[]> = { small: [16, 8, 4], seed: [16, 8, 4], paper: [24, 12, 6] };
/**
 * The state copy is timed on at most this many bytes and scaled linearly (a copy is memory-bandwidth
 * bound): a full copy of the paper preset's 3.3 GB state would add 6.6 GB to the entry's peak RSS.
 */
const MAX_COPY_BYTES = 2 ** 30;

/**
 * Seconds to copy `stateBytes` once in this process (median of 3 copies of at most {@link MAX_COPY_BYTES},
 * scaled): what the state round trip costs at least, as onnxruntime-node copies every output into a new
 * JS buffer each step.
 */
function stateCopySeconds(stateBytes: number): number {
  const copyBytes = Math.min(stateBytes, MAX_COPY_BYTES);
  const src = new Float32Array(copyBytes / 4).fill(1);
  const copies: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    const dst = new Float32Array(src.length);
    dst.set(src);
    copies.push((performance.now() - t0) / 1000);
  }
  return median(copies) * (stateBytes / copyBytes);
}

async function main(): Promise<void> {
  const preset = flag('preset', 'small');
  const threads = numberFlag('threads', 1);
  const steps = numberFlag('steps', 3);
  const cfg = resolveConfig({ preset });
  if (!SIDES[preset]) throw new Error(`unknown preset "${preset}" (small, seed or paper)`);
  const defaultSize = IMAGE_SIZE[preset] ?? cfg.inputSize;
  const imageSize = numberFlag('image-size', defaultSize);
  const sides = SIDES[preset].map((s) => (s * imageSize) / defaultSize);
  if (sides.some((s) => !Number.isInteger(s))) throw new Error(`csflow train-step: image size ${imageSize} does not give whole feature maps (sides ${sides.join('/')})`);
  const shape: FlowShape = { channels: cfg.featureChannels, hiddenChannels: cfg.hiddenChannels, kernelSizes: cfg.kernelSizes, clamp: cfg.clamp, leakySlope: cfg.leakySlope };
  const batch = numberFlag('batch', cfg.batchSize);
  const rng = createRng(1);
  const feats: Tensor[] = sides.map((s) => ({ data: Float32Array.from({ length: batch * shape.channels * s * s }, () => rng.normal()), dims: [batch, shape.channels, s, s] }));
  const graph = buildFlowTrainingGraph(initFlowWeights(shape, 0), batch, sides, cfg.optimizer);
  const gflop = graph.flops.total / 1e9;
  const stateBytes = trainingStateBytes(graph);
  process.stderr.write(`onnx ${preset} at ${imageSize} px, batch ${batch}: ${gflop.toFixed(1)} GFLOP per step, state ${(stateBytes / 2 ** 20).toFixed(0)} MiB, ${threads} thread(s)\n`);
  const batchFeeds = Object.fromEntries(feats.map((f, i) => [`feat${i}`, f]));
  const times = await timeTrainingSteps(graph, batchFeeds, { threads, steps, learningRate: cfg.optimizer.lr });
  printJson({
    model: 'csflow',
    preset,
    engine: onnxEngineName(),
    threads,
    batch,
    presetBatch: cfg.batchSize,
    imageSize,
    ...stepFigures(times, batch, gflop),
    stepSeconds: times.wall,
    stateBytes,
    stateCopySeconds: stateCopySeconds(stateBytes),
  });
}

runBenchMain(main);
