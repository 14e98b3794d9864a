/**
 * Times FastFlow training steps on the ONNX engine (a child of `npm run bench -- --only train-step`, one
 * process per entry so its peak RSS is its own):
 *
 *   node -r ./tools/scripts/register.cjs libs/fastflow/bench/train-step.bench.ts --preset seed --threads 1 \
 *     --steps 3 [--batch 4]
 *
 * Shapes of the shared ResNet-50 v2 taps (channels and strides from its shipped descriptor) at the preset's
 * input size. `--batch` (default: the preset's) lets a step that does not fit this
 * machine's memory be timed on fewer images; `presetBatch` in the output says what a step of the preset
 * holds. Inputs are synthetic N(0, 1) (a step's cost does not depend on their values). One warm-up step, then
 * `--steps` timed steps; prints one JSON object like the CS-Flow and CFA scripts.
 */
import { readDescriptor, SHIPPED_BACKBONES } from '@defectlab/backbones';
import { resolveFastflowConfig, type FastflowPreset } from '@defectlab/contracts';
import { SeededRandom } from '@defectlab/ml-core';
import { flag, numberFlag, onnxEngineName, printJson, runBenchMain, stepFigures, timeTrainingSteps, trainingStateBytes } from '@defectlab/ml-core/bench';
import { initFastflowWeights, type StageShape } from '../src/network';
import { buildFastflowTrainingGraph } from '../src/train';

async function main(): Promise<void> {
  const preset = flag('preset', 'seed') as FastflowPreset;
  const threads = numberFlag('threads', 1);
  const steps = numberFlag('steps', 3);
  const cfg = resolveFastflowConfig({ preset });
  const batch = numberFlag('batch', cfg.batchSize);
  const { descriptor } = await readDescriptor(SHIPPED_BACKBONES['resnet50v2-stage1to3']);
  const stages: StageShape[] = cfg.layers.map((layer) => {
    const tap = descriptor.layers.find((l) => l.name === layer);
    if (!tap) throw new Error(`fastflow train-step: the shared ResNet-50 v2 has no layer "${layer}"`);
    return { channels: tap.channels, height: cfg.inputSize / tap.stride, width: cfg.inputSize / tap.stride };
  });
  const weights = initFastflowWeights({ stages, flowSteps: cfg.flowSteps, hiddenRatio: cfg.hiddenRatio, conv3x3Only: cfg.conv3x3Only, clamp: cfg.clamp }, 0);
  const graph = buildFastflowTrainingGraph(weights, batch, cfg);
  const gflop = graph.flops.total / 1e9;
  const stateBytes = trainingStateBytes(graph);
  process.stderr.write(`onnx fastflow ${preset}: batch ${batch} (preset ${cfg.batchSize}), ${gflop.toFixed(1)} GFLOP per step, state ${(stateBytes / 2 ** 20).toFixed(0)} MiB, ${threads} thread(s)\n`);
  const rng = new SeededRandom(1);
  const feeds = Object.fromEntries(stages.map((s, i) => [`stage${i}`, { data: rng.normalArray(batch * s.channels * s.height * s.width), dims: [batch, s.channels, s.height, s.width] }]));
  const times = await timeTrainingSteps(graph, feeds, { threads, steps, learningRate: cfg.learningRate });
  printJson({
    model: 'fastflow',
    preset,
    engine: onnxEngineName(),
    threads,
    batch,
    presetBatch: cfg.batchSize,
    imageSize: cfg.inputSize,
    ...stepFigures(times, batch, gflop),
    stateBytes,
    stateCopySeconds: null,
  });
}

runBenchMain(main);
