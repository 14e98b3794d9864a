/**
 * Times CFA descriptor training steps on the ONNX engine (a child of `npm run bench -- --only train-step`):
 *   node -r ./tools/scripts/register.cjs libs/cfa/bench/train-step.bench.ts --preset paper|small --threads 1 --steps 3
 * Shapes of the shared ResNet-50 v2 at 224 px: 1792 aggregated channels on a 56 x 56 grid, descriptor
 * 1792 / gammaD, memory bank 3136 / gammaC centres, the preset's batch. Inputs and centres are synthetic
 * N(0, 1) (a step's cost does not depend on their values). Prints one JSON object like the CS-Flow script.
 */
import { resolveCfaConfig } from '@defectlab/contracts';
import { runtimeVersions, SeededRandom, TrainingSession } from '@defectlab/ml-core';
import { initDescriptor } from '../src/descriptor';
import { buildCfaTrainingGraph } from '../src/train';

const CHANNELS = 1792;
const GRID = 56;

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

async function main(): Promise<void> {
  const preset = arg('preset', 'paper') as 'paper' | 'small';
  const threads = Number(arg('threads', '1'));
  const steps = Number(arg('steps', '3'));
  const cfg = resolveCfaConfig({ preset });
  const D = Math.floor(CHANNELS / cfg.gammaD);
  const M = Math.floor((GRID * GRID) / cfg.gammaC);
  const rng = new SeededRandom(1);
  const graph = buildCfaTrainingGraph(
    { initial: initDescriptor(CHANNELS, D, 0), radius: cfg.radius, centres: rng.normalArray(M * D), gridH: GRID, gridW: GRID, loss: { K: cfg.K, J: cfg.J, alpha: cfg.alpha, nu: cfg.nu }, weightDecay: cfg.weightDecay, amsgrad: cfg.amsgrad },
    cfg.batchSize,
  );
  const gflop = graph.flops.total / 1e9;
  const stateBytes = 4 * graph.stateInputs.reduce((n, s) => n + s.dims.reduce((a, b) => a * b, 1), 0);
  process.stderr.write(`onnx cfa ${preset}: descriptor ${D}, bank ${M}, ${gflop.toFixed(1)} GFLOP per step, ${threads} thread(s)\n`);
  const x = { data: rng.normalArray(cfg.batchSize * GRID * GRID * CHANNELS), dims: [cfg.batchSize * GRID * GRID, CHANNELS] };
  const session = await TrainingSession.create(graph, { threads });
  const wall: number[] = [];
  const cpu: number[] = [];
  try {
    await session.trainStep({ x }, cfg.learningRate); // warm-up
    for (let i = 0; i < steps; i++) {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      const r = await session.trainStep({ x }, cfg.learningRate);
      wall.push((performance.now() - t0) / 1000);
      const c = process.cpuUsage(c0);
      cpu.push((c.user + c.system) / 1e6);
      process.stderr.write(`  step: loss ${r.loss.toFixed(4)}\n`);
    }
  } finally {
    await session.release();
  }
  const secondsPerStep = median(wall);
  const out = {
    model: 'cfa',
    preset,
    engine: `onnxruntime-node ${runtimeVersions(['onnxruntime-node'])['onnxruntime-node']} (cpu)`,
    threads,
    batch: cfg.batchSize,
    imageSize: cfg.inputSize,
    secondsPerStep,
    cpuSecondsPerStep: median(cpu),
    timedSteps: wall.length,
    imagesPerSecond: cfg.batchSize / secondsPerStep,
    gflopPerStep: gflop,
    gflops: gflop / secondsPerStep,
    stateBytes,
    stateCopySeconds: null,
  };
  process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
