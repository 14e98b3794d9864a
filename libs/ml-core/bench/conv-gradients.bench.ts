/**
 * Conv weight gradient on onnxruntime, two formulations side by side (issue 15: keep the faster):
 *   A. Conv over transposed batch/channel axes (x^T [Cin, N, H, W] correlated with dy^T [Cout, N, Ho, Wo]),
 *      what training-graph/rules/linear.ts emits;
 *   B. im2col + MatMul: im2col by a grouped Conv with a one-hot kernel (Cin * K * K channels), then one
 *      MatMul [Cout, N*Ho*Wo] x [N*Ho*Wo, Cin*K*K].
 * Both are checked equal before timing. Usage:
 *   node -r ./tools/scripts/register.cjs libs/ml-core/bench/conv-weight-grad.bench.ts [--threads 1] [--runs 5]
 * Shapes: the CS-Flow seed preset's subnet convs at batch 16 (hidden 416, 256 channels at 16 x 16; K = 3 and 5).
 */
import * as ort from 'onnxruntime-node';
import { attr, OnnxGraphBuilder } from '../src/onnx';
import { SeededRandom } from '../src/random';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

function transposedConvGraph(n: number, cin: number, cout: number, h: number, k: number): Uint8Array {
  const g = new OnnxGraphBuilder();
  const x = g.input('x', [n, cin, h, h]);
  const dy = g.input('dy', [n, cout, h, h]);
  const p = Math.floor(k / 2);
  const corr = g.op('Conv', [g.transpose(x, [1, 0, 2, 3]), g.transpose(dy, [1, 0, 2, 3])], { pads: attr.ints([p, p, p, p]), group: attr.int(1) });
  g.output(g.transpose(g.slice(corr, [0, 0], [k, k], [2, 3]), [1, 0, 2, 3]), 'dw');
  return g.toBytes();
}

function im2colGraph(n: number, cin: number, cout: number, h: number, k: number): Uint8Array {
  const g = new OnnxGraphBuilder();
  const x = g.input('x', [n, cin, h, h]);
  const dy = g.input('dy', [n, cout, h, h]);
  const p = Math.floor(k / 2);
  // one-hot kernel: output channel c*K*K + t copies tap t of input channel c
  const eye = new Float32Array(cin * k * k * k * k);
  for (let c = 0; c < cin; c++) for (let t = 0; t < k * k; t++) eye[(c * k * k + t) * k * k + t] = 1;
  const cols = g.conv(x, g.initializer('eye', eye, [cin * k * k, 1, k, k]), undefined, { pads: [p, p, p, p], group: cin }); // [N, Cin*K*K, H, W]
  const colsMat = g.reshape(g.transpose(cols, [0, 2, 3, 1]), [n * h * h, cin * k * k]);
  const dyMat = g.reshape(g.transpose(dy, [1, 0, 2, 3]), [cout, n * h * h]);
  g.output(g.reshape(g.matMul(dyMat, colsMat), [cout, cin, k, k]), 'dw');
  return g.toBytes();
}

async function time(bytes: Uint8Array, feeds: Record<string, ort.Tensor>, threads: number, runs: number): Promise<{ ms: number; out: Float32Array }> {
  const s = await ort.InferenceSession.create(bytes, { intraOpNumThreads: threads, interOpNumThreads: 1, executionMode: 'sequential', logSeverityLevel: 3 });
  const out = (await s.run(feeds)).dw.data as Float32Array; // warm-up
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await s.run(feeds);
    times.push(performance.now() - t0);
  }
  await s.release();
  times.sort((a, b) => a - b);
  return { ms: times[Math.floor(times.length / 2)], out };
}

async function main(): Promise<void> {
  const threads = Number(arg('threads', '1'));
  const runs = Number(arg('runs', '5'));
  const rng = new SeededRandom(1);
  const results = [];
  for (const [cin, cout, k] of [
    [416, 256, 3],
    [128, 416, 3],
    [416, 256, 5],
  ]) {
    const n = 16;
    const h = 16;
    const feeds = { x: new ort.Tensor('float32', rng.normalArray(n * cin * h * h), [n, cin, h, h]), dy: new ort.Tensor('float32', rng.normalArray(n * cout * h * h), [n, cout, h, h]) };
    const a = await time(transposedConvGraph(n, cin, cout, h, k), feeds, threads, runs);
    const b = await time(im2colGraph(n, cin, cout, h, k), feeds, threads, runs);
    let maxDiff = 0;
    let maxAbs = 0;
    for (let i = 0; i < a.out.length; i++) {
      maxDiff = Math.max(maxDiff, Math.abs(a.out[i] - b.out[i]));
      maxAbs = Math.max(maxAbs, Math.abs(a.out[i]));
    }
    if (maxDiff > 1e-3 * maxAbs) throw new Error(`the two formulations differ: ${maxDiff} (max |dw| ${maxAbs})`);
    const gflop = (2 * n * h * h * cin * cout * k * k) / 1e9;
    results.push({ shape: `x [${n},${cin},${h},${h}], dy [${n},${cout},${h},${h}], K ${k}`, gflop, transposedConvMs: a.ms, im2colMatMulMs: b.ms, transposedConvGflops: gflop / (a.ms / 1000), im2colGflops: gflop / (b.ms / 1000) });
    process.stderr.write(`${results[results.length - 1].shape}: transposed Conv ${a.ms.toFixed(0)} ms, im2col+MatMul ${b.ms.toFixed(0)} ms\n`);
  }
  process.stdout.write(`${JSON.stringify({ threads, runs, results }, null, 2)}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`error: ${String(e)}\n`);
  process.exit(1);
});
