/**
 * Times CFlow-AD training steps of one stage decoder on the ONNX engine (a child of `npm run bench -- --only
 * train-step`, one process per entry so its peak RSS is its own):
 *
 *   node -r ./tools/scripts/register.cjs libs/cflow/bench/train-step.bench.ts --preset seed --stage 0 \
 *     --threads 1 --steps 3
 *
 * A CFlow step is one Adam update of one stage's decoder on `fiberBatchSize` patch positions (train.ts), so
 * each stage is its own entry (preset `<preset>:<layer>`): the decoders differ in width (channels of the shared
 * ResNet-50 v2 tap, from its shipped descriptor) and a fit runs a different number of steps per stage (the
 * stage's positions per image / fiberBatchSize). Fibers and conditions are synthetic N(0, 1) (a step's cost
 * does not depend on their values). One warm-up step, then `--steps` timed steps; prints one JSON object like
 * the other train-step scripts (`batch` = fibers per step; images/s does not apply and is null).
 */
import { readDescriptor, SHIPPED_BACKBONES } from '@defectlab/backbones';
import { resolveCflowConfig, type CflowPreset } from '@defectlab/contracts';
import { SeededRandom } from '@defectlab/ml-core';
import { flag, numberFlag, onnxEngineName, printJson, runBenchMain, stepFigures, timeTrainingSteps, trainingStateBytes } from '@defectlab/ml-core/bench';
import { initCflowWeights } from '../src/network';
import { buildStageTrainingGraph } from '../src/train';

async function main(): Promise<void> {
  const preset = flag('preset', 'seed') as CflowPreset;
  const stage = numberFlag('stage', 0);
  const threads = numberFlag('threads', 1);
  const steps = numberFlag('steps', 3);
  const cfg = resolveCflowConfig({ preset });
  const layer = cfg.layers[stage];
  if (layer === undefined) throw new Error(`cflow train-step: preset ${preset} has ${cfg.layers.length} stages, not stage ${stage}`);
  const { descriptor } = await readDescriptor(SHIPPED_BACKBONES['resnet50v2-stage1to3']);
  const channels = cfg.layers.map((name) => {
    const tap = descriptor.layers.find((l) => l.name === name);
    if (!tap) throw new Error(`cflow train-step: the shared ResNet-50 v2 has no layer "${name}"`);
    return tap.channels;
  });
  const c = channels[stage];
  // only the timed stage's decoder (the others' random rotations take long to draw and change nothing here)
  const weights = initCflowWeights({ channels: [c], conditionDim: cfg.conditionDim, couplingBlocks: cfg.couplingBlocks, hiddenRatio: cfg.hiddenRatio, clamp: cfg.clamp }, 0);
  const fibers = cfg.fiberBatchSize;
  const graph = buildStageTrainingGraph(weights, 0, fibers, cfg.gradClipNorm);
  const gflop = graph.flops.total / 1e9;
  process.stderr.write(`onnx cflow ${preset} stage ${stage} (${layer}, ${c} ch): ${fibers} fibers, ${gflop.toFixed(2)} GFLOP per step, ${threads} thread(s)\n`);
  const rng = new SeededRandom(1);
  const feeds = {
    fibers: { data: rng.normalArray(fibers * c), dims: [fibers, c] },
    cond: { data: rng.normalArray(fibers * cfg.conditionDim), dims: [fibers, cfg.conditionDim] },
  };
  const times = await timeTrainingSteps(graph, feeds, { threads, steps, learningRate: cfg.learningRate });
  printJson({
    model: 'cflow',
    preset: `${preset}:${layer}`,
    engine: onnxEngineName(),
    threads,
    batch: fibers,
    imageSize: cfg.inputSize,
    // a step's batch is patch positions, not images
    ...stepFigures(times, null, gflop),
    stateBytes: trainingStateBytes(graph),
    stateCopySeconds: null,
  });
}

runBenchMain(main);
