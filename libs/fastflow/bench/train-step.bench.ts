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
import { runtimeVersions, SeededRandom, TrainingSession } from '@defectlab/ml-core';
import { initFastflowWeights, type StageShape } from '../src/network';
import { buildFastflowTrainingGraph } from '../src/train';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

async function main(): Promise<void> {
  const preset = arg('preset', 'seed') as FastflowPreset;
  const threads = Number(arg('threads', '1'));
  const steps = Number(arg('steps', '3'));
  const cfg = resolveFastflowConfig({ preset });
  const batch = Number(arg('batch', String(cfg.batchSize)));
  const { descriptor } = await readDescriptor(SHIPPED_BACKBONES['resnet50v2-stage1to3']);
  const stages: StageShape[] = cfg.layers.map((layer) => {
    const tap = descriptor.layers.find((l) => l.name === layer);
    if (!tap) throw new Error(`fastflow train-step: the shared ResNet-50 v2 has no layer "${layer}"`);
    return { channels: tap.channels, height: cfg.inputSize / tap.stride, width: cfg.inputSize / tap.stride };
  });
  const weights = initFastflowWeights({ stages, flowSteps: cfg.flowSteps, hiddenRatio: cfg.hiddenRatio, conv3x3Only: cfg.conv3x3Only, clamp: cfg.clamp }, 0);
  const graph = buildFastflowTrainingGraph(weights, batch, cfg);
  const gflop = graph.flops.total / 1e9;
  const stateBytes = 4 * graph.stateInputs.reduce((n, s) => n + s.dims.reduce((a, b) => a * b, 1), 0);
  process.stderr.write(`onnx fastflow ${preset}: batch ${batch} (preset ${cfg.batchSize}), ${gflop.toFixed(1)} GFLOP per step, state ${(stateBytes / 2 ** 20).toFixed(0)} MiB, ${threads} thread(s)\n`);
  const rng = new SeededRandom(1);
  const feeds = Object.fromEntries(stages.map((s, i) => [`stage${i}`, { data: rng.normalArray(batch * s.channels * s.height * s.width), dims: [batch, s.channels, s.height, s.width] }]));
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
      const c = process.cpuUsage(c0);
      cpu.push((c.user + c.system) / 1e6);
      process.stderr.write(`  step: loss ${r.loss.toFixed(4)}\n`);
    }
  } finally {
    await session.release();
  }
  const secondsPerStep = median(wall);
  const out = {
    model: 'fastflow',
    preset,
    engine: `onnxruntime-node ${runtimeVersions(['onnxruntime-node'])['onnxruntime-node']} (cpu)`,
    threads,
    batch,
    presetBatch: cfg.batchSize,
    imageSize: cfg.inputSize,
    secondsPerStep,
    cpuSecondsPerStep: median(cpu),
    timedSteps: wall.length,
    imagesPerSecond: batch / secondsPerStep,
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
