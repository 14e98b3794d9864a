/**
 * Times CFA descriptor training steps on the ONNX engine (a child of `npm run bench -- --only train-step`):
 *   node -r ./tools/scripts/register.cjs libs/cfa/bench/train-step.bench.ts --preset paper|small --threads 1 --steps 3
 * Shapes of the shared ResNet-50 v2 at 224 px: 1792 aggregated channels on a 56 x 56 grid, descriptor
 * 1792 / gammaD, memory bank 3136 / gammaC centres, the preset's batch. Inputs and centres are synthetic
 * N(0, 1) (a step's cost does not depend on their values). Prints one JSON object like the CS-Flow script.
 */
import { resolveCfaConfig } from '@defectlab/contracts';
import { SeededRandom } from '@defectlab/ml-core';
import { flag, numberFlag, onnxEngineName, printJson, runBenchMain, stepFigures, timeTrainingSteps, trainingStateBytes } from '@defectlab/ml-core/bench';
import { initDescriptor } from '../src/descriptor';
import { buildCfaTrainingGraph } from '../src/train';

const CHANNELS = 1792;
const GRID = 56;

async function main(): Promise<void> {
  const preset = flag('preset', 'paper') as 'paper' | 'small';
  const threads = numberFlag('threads', 1);
  const steps = numberFlag('steps', 3);
  const cfg = resolveCfaConfig({ preset });
  const D = Math.floor(CHANNELS / cfg.gammaD);
  const M = Math.floor((GRID * GRID) / cfg.gammaC);
  const rng = new SeededRandom(1);
  const graph = buildCfaTrainingGraph(
    { initial: initDescriptor(CHANNELS, D, 0), radius: cfg.radius, centres: rng.normalArray(M * D), gridH: GRID, gridW: GRID, loss: { K: cfg.K, J: cfg.J, alpha: cfg.alpha, nu: cfg.nu }, weightDecay: cfg.weightDecay, amsgrad: cfg.amsgrad },
    cfg.batchSize,
  );
  const gflop = graph.flops.total / 1e9;
  process.stderr.write(`onnx cfa ${preset}: descriptor ${D}, bank ${M}, ${gflop.toFixed(1)} GFLOP per step, ${threads} thread(s)\n`);
  const x = { data: rng.normalArray(cfg.batchSize * GRID * GRID * CHANNELS), dims: [cfg.batchSize * GRID * GRID, CHANNELS] };
  const times = await timeTrainingSteps(graph, { x }, { threads, steps, learningRate: cfg.learningRate });
  printJson({
    model: 'cfa',
    preset,
    engine: onnxEngineName(),
    threads,
    batch: cfg.batchSize,
    imageSize: cfg.inputSize,
    ...stepFigures(times, cfg.batchSize, gflop),
    stateBytes: trainingStateBytes(graph),
    stateCopySeconds: null,
  });
}

runBenchMain(main);
