/**
 * Times CS-Flow training steps on the TensorFlow.js reference (tfjs-wasm with our gradient kernels, the
 * engine the product trained on before onnxruntime): the `tfjs` entries of `npm run bench -- --only
 * train-step`, next to the ONNX engine's entries of libs/csflow/bench/train-step.bench.ts, so issue 15's
 * "x faster than tfjs-wasm" is measured in the same run. One process per entry (its peak RSS is its own):
 *
 *   node -r ./tools/scripts/register.cjs tools/bench/tfjs-reference/csflow-train-step.ts --preset small|seed --steps 3
 *
 * The same protocol and inputs as the ONNX script: synthetic N(0, 1) feature maps of the preset's
 * training shape (batch = the preset's, sides 16/8/4), seed-0 weights, one warm-up step, then `--steps`
 * timed steps of forward + backward + clipped Adam; prints one JSON object. FLOPs are counted from the
 * ONNX training graph of the same network (the computation is the same). Always one thread.
 */
import { resolveConfig } from '@defectlab/csflow';
import { buildFlowTrainingGraph, initFlowWeights, type FlowShape } from '@defectlab/csflow/parts';
import { createRng } from '@defectlab/datasets';
import { flag, numberFlag, printJson, runBenchMain, stepFigures, timeSteps } from '@defectlab/ml-core/bench';
import { initTfjsWasm } from './backend';
import { ClippedAdam } from './csflow/adam';
import { flowNll } from './csflow/loss';
import { CsFlowNet } from './csflow/model';

const IMAGE_SIZE: Record<string, number> = { small: 128, seed: 256 };
const SIDES = [16, 8, 4];

async function main(): Promise<void> {
  const preset = flag('preset', 'small');
  const steps = numberFlag('steps', 3);
  const cfg = resolveConfig({ preset });
  const shape: FlowShape = { channels: cfg.featureChannels, hiddenChannels: cfg.hiddenChannels, kernelSizes: cfg.kernelSizes, clamp: cfg.clamp, leakySlope: cfg.leakySlope };
  const batch = cfg.batchSize;
  const rng = createRng(1);
  const feats = SIDES.map((s) => ({ data: Float32Array.from({ length: batch * shape.channels * s * s }, () => rng.normal()), dims: [batch, shape.channels, s, s] as [number, number, number, number] }));
  const gflop = buildFlowTrainingGraph(initFlowWeights(shape, 0), batch, SIDES, cfg.optimizer).flops.total / 1e9;
  process.stderr.write(`tfjs ${preset}: ${gflop.toFixed(1)} GFLOP per step, 1 thread\n`);

  const { tf, description } = await initTfjsWasm();
  const net = new CsFlowNet(tf, shape, 0);
  const adam = new ClippedAdam(tf, net.variables(), cfg.optimizer);
  const xs = feats.map((f) => tf.tidy(() => tf.transpose(tf.tensor4d(f.data, f.dims), [0, 2, 3, 1]) as import('@tensorflow/tfjs').Tensor4D));
  const step = async (): Promise<void> => {
    const { value, grads } = tf.variableGrads(() => {
      const out = net.forward(xs);
      return flowNll(tf, out.zs, out.logDet);
    }, net.variables());
    const loss = (await value.data())[0];
    await adam.apply(net.variables().map((v) => grads[v.name]));
    value.dispose();
    tf.dispose(grads);
    process.stderr.write(`  step: loss ${loss.toFixed(4)}\n`);
  };
  const times = await timeSteps(steps, step).finally(() => {
    tf.dispose(xs);
    net.dispose();
  });
  printJson({
    model: 'csflow',
    preset,
    engine: description,
    threads: 1,
    batch,
    imageSize: IMAGE_SIZE[preset] ?? cfg.inputSize,
    ...stepFigures(times, batch, gflop),
    stepSeconds: times.wall,
    stateBytes: null,
    stateCopySeconds: null,
  });
}

runBenchMain(main);
