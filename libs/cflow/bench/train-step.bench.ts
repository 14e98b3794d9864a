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
import { runtimeVersions, SeededRandom, TrainingSession } from '@defectlab/ml-core';
import { initCflowWeights } from '../src/network';
import { buildStageTrainingGraph } from '../src/train';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

async function main(): Promise<void> {
  const preset = arg('preset', 'seed') as CflowPreset;
  const stage = Number(arg('stage', '0'));
  const threads = Number(arg('threads', '1'));
  const steps = Number(arg('steps', '3'));
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
  const stateBytes = 4 * graph.stateInputs.reduce((n, s) => n + s.dims.reduce((a, b) => a * b, 1), 0);
  process.stderr.write(`onnx cflow ${preset} stage ${stage} (${layer}, ${c} ch): ${fibers} fibers, ${gflop.toFixed(2)} GFLOP per step, ${threads} thread(s)\n`);
  const rng = new SeededRandom(1);
  const feeds = {
    fibers: { data: rng.normalArray(fibers * c), dims: [fibers, c] },
    cond: { data: rng.normalArray(fibers * cfg.conditionDim), dims: [fibers, cfg.conditionDim] },
  };
  const session = await TrainingSession.create(graph, { threads });
  const wall: number[] = [];
  const cpu: number[] = [];
  try {
    await session.trainStep(feeds, cfg.learningRate); // warm-up
    for (let i = 0; i < steps; i++) {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      const r = await session.trainStep(feeds, cfg.learningRate);
      wall.push((performance.now() - t0) / 1000);
      const u = process.cpuUsage(c0);
      cpu.push((u.user + u.system) / 1e6);
      process.stderr.write(`  step: loss ${r.loss.toFixed(4)}\n`);
    }
  } finally {
    await session.release();
  }
  const secondsPerStep = median(wall);
  const out = {
    model: 'cflow',
    preset: `${preset}:${layer}`,
    engine: `onnxruntime-node ${runtimeVersions(['onnxruntime-node'])['onnxruntime-node']} (cpu)`,
    threads,
    batch: fibers,
    imageSize: cfg.inputSize,
    secondsPerStep,
    cpuSecondsPerStep: median(cpu),
    timedSteps: wall.length,
    imagesPerSecond: null,
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
