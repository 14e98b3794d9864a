/**
 * Conv gradients on onnxruntime, formulations side by side on the CS-Flow seed preset's conv shapes
 * (issue 15: measure and keep the faster). Usage:
 *   node -r ./tools/scripts/register.cjs libs/ml-core/bench/conv-gradients.bench.ts [--threads 1] [--runs 5]
 *
 * Weight gradient dL/dw:
 *   conv:  a Conv over transposed batch/channel axes (x^T [Cin, N, H, W] correlated with dy^T), cropped;
 *   per tap: one Gemm [Cout, N*Ho*Wo] x [N*Ho*Wo, Cin] per kernel tap (a shifted window of x^T), stacked
 *          (training-graph/rules/conv-gemm.ts; im2col + one Gemm, measured before it, copied twice as
 *          much and was ~7 % slower).
 * Input gradient dL/dx:
 *   convTranspose: ConvTranspose of dy with the forward weights;
 *   flipped Conv:  a Conv of dy with the flipped, transposed weights [Cin, Cout, K, K] (stride 1 only).
 * Each pair is checked equal, then run alternately; the figure is the median CPU time (user + system)
 * of `--runs` runs, far less sensitive than wall time to other jobs on a shared machine.
 */
import * as ort from 'onnxruntime-node';
import { flag, median, numberFlag, runBenchMain } from '../src/bench';
import { attr, OnnxGraphBuilder } from '../src/onnx';
import { SeededRandom } from '../src/random';
import { convInputGradientByConv, convWeightGradientByTapGemms } from '../src/training-graph/rules/conv-gemm';

interface Shape {
  readonly name: string;
  readonly cin: number;
  readonly cout: number;
  /** Input side. */
  readonly side: number;
  readonly k: number;
  readonly stride: 1 | 2;
}

const N = 16;

/** The seed preset's subnet convs (256 channels split 128 + 128, hidden 416; sides 16/8/4; K 3, last block 5). */
function seedShapes(): Shape[] {
  const out: Shape[] = [];
  for (const k of [3, 5]) {
    for (const side of [16, 8, 4]) {
      out.push({ name: `in ${side}px K${k}`, cin: 128, cout: 416, side, k, stride: 1 });
      out.push({ name: `out ${side}px K${k}`, cin: 416, cout: 256, side, k, stride: 1 });
    }
    out.push({ name: `down 16px K${k}`, cin: 416, cout: 256, side: 16, k, stride: 2 });
  }
  return out;
}

function outSide(s: Shape): number {
  const p = Math.floor(s.k / 2);
  return Math.floor((s.side + 2 * p - s.k) / s.stride) + 1;
}

type Kind = 'dw-conv' | 'dw-taps' | 'dx-convTranspose' | 'dx-conv';

function graph(s: Shape, kind: Kind): Uint8Array {
  const g = new OnnxGraphBuilder();
  const o = outSide(s);
  const p = Math.floor(s.k / 2);
  const xDims = [N, s.cin, s.side, s.side];
  const dyDims = [N, s.cout, o, o];
  const geo = { strides: [s.stride, s.stride], dilations: [1, 1], pads: [p, p, p, p] };
  const x = g.input('x', xDims);
  const dy = g.input('dy', dyDims);
  const w = g.input('w', [s.cout, s.cin, s.k, s.k]);
  let out: string;
  if (kind === 'dw-conv') {
    const corr = g.op('Conv', [g.transpose(x, [1, 0, 2, 3]), g.transpose(dy, [1, 0, 2, 3])], { pads: attr.ints(geo.pads), dilations: attr.ints(geo.strides) });
    out = g.transpose(g.slice(corr, [0, 0], [s.k, s.k], [2, 3]), [1, 0, 2, 3]);
  } else if (kind === 'dw-taps') {
    out = convWeightGradientByTapGemms(g, x, dy, xDims, dyDims, [s.k, s.k], geo);
  } else if (kind === 'dx-convTranspose') {
    const target = s.side;
    const outputPadding = target - (s.stride * (o - 1) + s.k - 2 * p);
    out = g.op('ConvTranspose', [dy, w], { strides: attr.ints(geo.strides), pads: attr.ints(geo.pads), ...(outputPadding ? { output_padding: attr.ints([outputPadding, outputPadding]) } : {}) });
  } else {
    out = convInputGradientByConv(g, dy, w, [s.k, s.k], geo);
  }
  g.output(out, 'out');
  return g.toBytes();
}

async function open(bytes: Uint8Array, threads: number): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(bytes, { intraOpNumThreads: threads, interOpNumThreads: 1, executionMode: 'sequential', graphOptimizationLevel: 'all', logSeverityLevel: 3 });
}

async function cpuMs(s: ort.InferenceSession, feeds: Record<string, ort.Tensor>): Promise<number> {
  const c0 = process.cpuUsage();
  const out = await s.run(feeds);
  const c = process.cpuUsage(c0);
  out.out.dispose();
  return (c.user + c.system) / 1000;
}

/** Runs both formulations alternately after checking they agree; median CPU ms of each. */
async function compare(a: Uint8Array, b: Uint8Array, feeds: Record<string, ort.Tensor>, threads: number, runs: number): Promise<[number, number]> {
  const sa = await open(a, threads);
  const sb = await open(b, threads);
  try {
    const ya = (await sa.run(feeds)).out.data as Float32Array;
    const yb = (await sb.run(feeds)).out.data as Float32Array;
    let maxDiff = 0;
    let maxAbs = 0;
    for (let i = 0; i < ya.length; i++) {
      maxDiff = Math.max(maxDiff, Math.abs(ya[i] - yb[i]));
      maxAbs = Math.max(maxAbs, Math.abs(ya[i]));
    }
    if (ya.length !== yb.length || maxDiff > 1e-4 * maxAbs) throw new Error(`the two formulations differ: ${maxDiff} (max |y| ${maxAbs})`);
    const ta: number[] = [];
    const tb: number[] = [];
    for (let i = 0; i < runs; i++) {
      ta.push(await cpuMs(sa, feeds));
      tb.push(await cpuMs(sb, feeds));
    }
    return [median(ta), median(tb)];
  } finally {
    await sa.release();
    await sb.release();
  }
}

async function main(): Promise<void> {
  const threads = numberFlag('threads', 1);
  const runs = numberFlag('runs', 5);
  const only = flag('only', '');
  const rng = new SeededRandom(1);
  const rows: string[] = [];
  let totals = [0, 0, 0, 0];
  for (const s of seedShapes().filter((sh) => !only || sh.name.includes(only))) {
    const o = outSide(s);
    const feeds = {
      x: new ort.Tensor('float32', rng.normalArray(N * s.cin * s.side * s.side), [N, s.cin, s.side, s.side]),
      dy: new ort.Tensor('float32', rng.normalArray(N * s.cout * o * o), [N, s.cout, o, o]),
      w: new ort.Tensor('float32', rng.normalArray(s.cout * s.cin * s.k * s.k, 0.05), [s.cout, s.cin, s.k, s.k]),
    };
    const gflop = (2 * N * o * o * s.cin * s.cout * s.k * s.k) / 1e9;
    const [dwConv, dwTaps] = await compare(graph(s, 'dw-conv'), graph(s, 'dw-taps'), feeds, threads, runs);
    const [dxCt, dxConv] = s.stride === 1 ? await compare(graph(s, 'dx-convTranspose'), graph(s, 'dx-conv'), feeds, threads, runs) : [NaN, NaN];
    totals = [totals[0] + dwConv, totals[1] + dwTaps, totals[2] + (dxCt || 0), totals[3] + (dxConv || 0)];
    const f = (ms: number) => (Number.isNaN(ms) ? '-' : `${ms.toFixed(0)} ms (${(gflop / (ms / 1000)).toFixed(0)})`);
    rows.push(`| ${s.name} | ${s.cin} -> ${s.cout} | ${gflop.toFixed(2)} | ${f(dwConv)} | ${f(dwTaps)} | ${f(dxCt)} | ${f(dxConv)} |`);
    process.stderr.write(`${rows[rows.length - 1]}\n`);
  }
  process.stdout.write(`batch ${N}, ${threads} thread(s), median CPU ms of ${runs} alternating runs (GFLOP per CPU-second)\n`);
  process.stdout.write('| conv | channels | GFLOP | dw: transposed Conv | dw: Gemm per tap | dx: ConvTranspose | dx: flipped Conv |\n| --- | --- | --- | --- | --- | --- | --- |\n');
  process.stdout.write(`${rows.join('\n')}\n| total | | | ${totals[0].toFixed(0)} ms | ${totals[1].toFixed(0)} ms | ${totals[2].toFixed(0)} ms | ${totals[3].toFixed(0)} ms |\n`);
}

runBenchMain(main);
