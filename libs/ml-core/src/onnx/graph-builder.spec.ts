import { resizeBilinear } from '../filters/resize-bilinear';
import type { Tensor } from '../tensor';
import { attr } from './attributes';
import { OnnxGraphBuilder } from './graph-builder';
import { openSessionCount, runSession } from './session';
import { maxError, naiveConv, naiveConvTranspose, naiveMatMul, naivePool, randomTensor } from './testing/naive-ops';

/** Builds a graph over inputs named x0, x1, ... (dims symbolic where given), runs it once, returns output "y". */
async function run(inputs: readonly Tensor[], build: (g: OnnxGraphBuilder, xs: string[]) => string, symbolic = false): Promise<Tensor> {
  const g = new OnnxGraphBuilder({ name: 'spec' });
  const xs = inputs.map((t, i) => g.input(`x${i}`, symbolic ? t.dims.map((_, d) => `d${i}_${d}`) : t.dims));
  g.output(build(g, xs), 'y');
  const feeds = Object.fromEntries(inputs.map((t, i) => [`x${i}`, t]));
  return (await runSession(g.toBytes(), feeds)).y;
}

describe('OnnxGraphBuilder: convolution and linear algebra', () => {
  afterAll(() => expect(openSessionCount()).toBe(0));

  it.each([
    { name: 'plain 3x3', strides: [1, 1], pads: [0, 0, 0, 0], group: 1 },
    { name: 'stride 2, asymmetric pads', strides: [2, 2], pads: [1, 0, 2, 1], group: 1 },
    { name: 'grouped (2 groups)', strides: [1, 1], pads: [1, 1, 1, 1], group: 2 },
    { name: 'depthwise', strides: [1, 1], pads: [1, 1, 1, 1], group: 4 },
  ])('Conv ($name) matches the naive loop, with symbolic input dims', async ({ strides, pads, group }) => {
    const x = randomTensor([2, 4, 7, 6], 1);
    const w = randomTensor([4, 4 / group, 3, 3], 2);
    const b = randomTensor([4], 3);
    const y = await run([x], (g, [xi]) => g.conv(xi, g.initializer('w', w.data, w.dims), g.initializer('b', b.data, b.dims), { strides, pads, group }), true);
    const ref = naiveConv(x, w, b, { strides, pads, group });
    expect(y.dims).toEqual(ref.dims);
    expect(maxError(y.data, ref.data)).toBeLessThan(1e-5);
  });

  it('ConvTranspose (stride 2, pad 1) matches the scatter loop', async () => {
    const x = randomTensor([1, 3, 4, 5], 4);
    const w = randomTensor([3, 2, 3, 3], 5);
    const y = await run([x], (g, [xi]) => g.convTranspose(xi, g.initializer('w', w.data, w.dims), undefined, { strides: [2, 2], pads: [1, 1, 1, 1] }));
    const ref = naiveConvTranspose(x, w, 2, 1);
    expect(y.dims).toEqual(ref.dims);
    expect(maxError(y.data, ref.data)).toBeLessThan(1e-5);
  });

  it('MatMul and Gemm (transB, alpha, beta, bias) match the naive product', async () => {
    const a = randomTensor([5, 7], 6);
    const b = randomTensor([7, 3], 7);
    const mm = await run([a, b], (g, [ai, bi]) => g.matMul(ai, bi));
    expect(maxError(mm.data, naiveMatMul(a, b).data)).toBeLessThan(1e-5);

    const bt = randomTensor([3, 7], 8);
    const c = randomTensor([3], 9);
    const gemm = await run([a], (g, [ai]) => g.gemm(ai, g.initializer('bt', bt.data, bt.dims), g.initializer('c', c.data, c.dims), { transB: true, alpha: 0.5, beta: 2 }));
    const ref = naiveMatMul(a, bt, false, true);
    const expected = ref.data.map((v, i) => 0.5 * v + 2 * c.data[i % 3]);
    expect(maxError(gemm.data, expected)).toBeLessThan(1e-5);
  });
});

describe('OnnxGraphBuilder: element-wise ops', () => {
  const x = randomTensor([2, 3, 4], 11, -2, 2);
  const pos = randomTensor([2, 3, 4], 12, 0.1, 3);

  it.each<[string, (g: OnnxGraphBuilder, a: string, b: string) => string, (a: number, b: number) => number]>([
    ['Add', (g, a, b) => g.add(a, b), (a, b) => a + b],
    ['Sub', (g, a, b) => g.sub(a, b), (a, b) => a - b],
    ['Mul', (g, a, b) => g.mul(a, b), (a, b) => a * b],
    ['Div', (g, a, b) => g.div(a, b), (a, b) => a / b],
    ['Pow', (g, a, b) => g.pow(b, g.constFloat(1.5, [])), (_a, b) => b ** 1.5],
    ['Sqrt', (g, _a, b) => g.sqrt(b), (_a, b) => Math.sqrt(b)],
    ['Exp', (g, a) => g.exp(a), (a) => Math.exp(a)],
    ['Log', (g, _a, b) => g.log(b), (_a, b) => Math.log(b)],
    ['Atan', (g, a) => g.atan(a), (a) => Math.atan(a)],
    ['Relu', (g, a) => g.relu(a), (a) => Math.max(0, a)],
    ['LeakyRelu', (g, a) => g.leakyRelu(a, 0.2), (a) => (a > 0 ? a : 0.2 * a)],
    ['Clip', (g, a) => g.clip(a, -0.5, 0.75), (a) => Math.min(0.75, Math.max(-0.5, a))],
    ['Clip (min only)', (g, a) => g.clip(a, 0), (a) => Math.max(0, a)],
    ['Sigmoid', (g, a) => g.sigmoid(a), (a) => 1 / (1 + Math.exp(-a))],
    ['Min/Max', (g, a, b) => g.max(g.min(a, b), g.constFloat(0, [])), (a, b) => Math.max(0, Math.min(a, b))],
  ])('%s matches Math', async (_name, build, ref) => {
    const y = await run([x, pos], (g, [a, b]) => build(g, a, b));
    expect(maxError(y.data, Array.from(x.data, (v, i) => ref(v, pos.data[i])))).toBeLessThan(1e-5);
  });

  it('broadcasts a per-channel constant [1, C, 1, 1]', async () => {
    const t = randomTensor([2, 3, 2, 2], 13);
    const y = await run([t], (g, [a]) => g.mul(a, g.constFloat([1, 2, 3], [1, 3, 1, 1])));
    expect(Array.from(y.data)).toEqual(Array.from(t.data, (v, i) => Math.fround(v * (1 + (Math.floor(i / 4) % 3)))));
  });
});

describe('OnnxGraphBuilder: shape ops', () => {
  const x = randomTensor([2, 3, 4, 5], 21);
  const at = (n: number, c: number, h: number, w: number) => x.data[((n * 3 + c) * 4 + h) * 5 + w];

  it('Concat along channels and Slice with steps', async () => {
    const other = randomTensor([2, 1, 4, 5], 22);
    const cat = await run([x, other], (g, [a, b]) => g.concat([a, b], 1));
    expect(cat.dims).toEqual([2, 4, 4, 5]);
    expect(cat.data[((1 * 4 + 3) * 4 + 2) * 5 + 1]).toBe(other.data[(1 * 4 + 2) * 5 + 1]);
    expect(cat.data[((1 * 4 + 2) * 4 + 2) * 5 + 1]).toBe(at(1, 2, 2, 1));

    const sl = await run([x], (g, [a]) => g.slice(a, [1, 0], [3, 5], [2, 3], [1, 2]));
    expect(sl.dims).toEqual([2, 3, 2, 3]);
    expect(sl.data[((1 * 3 + 2) * 2 + 1) * 3 + 2]).toBe(at(1, 2, 2, 4));
  });

  it('Transpose, Reshape (with 0 and -1), Flatten, Unsqueeze/Squeeze', async () => {
    const tr = await run([x], (g, [a]) => g.transpose(a, [0, 2, 3, 1]));
    expect(tr.dims).toEqual([2, 4, 5, 3]);
    expect(tr.data[((1 * 4 + 3) * 5 + 2) * 3 + 1]).toBe(at(1, 1, 3, 2));

    const rs = await run([x], (g, [a]) => g.reshape(a, [0, -1, 5]));
    expect(rs.dims).toEqual([2, 12, 5]);
    expect(Array.from(rs.data)).toEqual(Array.from(x.data));

    const fl = await run([x], (g, [a]) => g.squeeze(g.unsqueeze(g.flatten(a, 1), [0]), [0]));
    expect(fl.dims).toEqual([2, 60]);
  });

  it('Pad (constant value) and Gather', async () => {
    const small = randomTensor([1, 1, 2, 2], 23);
    const p = await run([small], (g, [a]) => g.pad(a, [0, 0, 1, 0, 0, 0, 0, 2], 'constant', 9));
    expect(p.dims).toEqual([1, 1, 3, 4]);
    expect(Array.from(p.data)).toEqual([9, 9, 9, 9, small.data[0], small.data[1], 9, 9, small.data[2], small.data[3], 9, 9].map(Math.fround));

    const ga = await run([x], (g, [a]) => g.gather(a, [2, 0], 1));
    expect(ga.dims).toEqual([2, 2, 4, 5]);
    expect(ga.data[0]).toBe(at(0, 2, 0, 0));
  });
});

describe('OnnxGraphBuilder: reductions, pooling, selection, resize', () => {
  const x = randomTensor([2, 3, 6, 5], 31);

  it('ReduceMean / ReduceMax / ReduceMin / ReduceSum over channels', async () => {
    for (const [kind, build] of [
      ['mean', (g: OnnxGraphBuilder, a: string) => g.reduceMean(a, [1])],
      ['max', (g: OnnxGraphBuilder, a: string) => g.reduceMax(a, [1], false)],
      ['min', (g: OnnxGraphBuilder, a: string) => g.reduceMin(a, [1])],
      ['sum', (g: OnnxGraphBuilder, a: string) => g.reduceSum(a, [1])],
    ] as const) {
      const y = await run([x], (g, [a]) => build(g, a));
      const ref = new Float32Array(2 * 30);
      for (let n = 0; n < 2; n++)
        for (let p = 0; p < 30; p++) {
          const vs = [0, 1, 2].map((c) => x.data[(n * 3 + c) * 30 + p]);
          const sum = vs.reduce((s, v) => s + v, 0);
          ref[n * 30 + p] = kind === 'mean' ? sum / 3 : kind === 'max' ? Math.max(...vs) : kind === 'min' ? Math.min(...vs) : sum;
        }
      expect(y.data.length).toBe(60);
      expect(maxError(y.data, ref)).toBeLessThan(1e-6);
    }
    const opset18 = new OnnxGraphBuilder({ opset: 18 });
    opset18.output(opset18.reduceMean(opset18.input('x', x.dims), [2, 3]), 'y');
    const y18 = (await runSession(opset18.toBytes(), { x })).y;
    expect(y18.dims).toEqual([2, 3, 1, 1]);
    expect(y18.data[0]).toBeCloseTo(x.data.subarray(0, 30).reduce((s, v) => s + v, 0) / 30, 5);
  });

  it.each([
    { kind: 'avg' as const, k: 3, stride: 1, pad: 1, include: false },
    { kind: 'avg' as const, k: 3, stride: 1, pad: 1, include: true },
    { kind: 'avg' as const, k: 2, stride: 2, pad: 0, include: false },
    { kind: 'max' as const, k: 3, stride: 2, pad: 1, include: false },
  ])('$kind pool k$k s$stride p$pad (count_include_pad=$include) matches the naive loop', async ({ kind, k, stride, pad, include }) => {
    const opts = { kernelShape: [k, k], strides: [stride, stride], pads: [pad, pad, pad, pad], countIncludePad: include };
    const y = await run([x], (g, [a]) => (kind === 'avg' ? g.averagePool(a, opts) : g.maxPool(a, opts)));
    const ref = naivePool(x, kind, k, stride, pad, include);
    expect(y.dims).toEqual(ref.dims);
    expect(maxError(y.data, ref.data)).toBeLessThan(1e-6);
  });

  it('TopK (smallest, k=2) and Softmax along the last axis', async () => {
    const t = randomTensor([3, 7], 32);
    const g = new OnnxGraphBuilder();
    const xi = g.input('x', ['rows', 7]);
    const [values, indices] = g.topK(xi, 2, -1, false);
    g.output(values, 'values');
    g.output(indices, 'indices', undefined, 'int64');
    g.output(g.softmax(xi, -1), 'soft');
    const out = await runSession(g.toBytes(), { x: t });
    for (let r = 0; r < 3; r++) {
      const row = Array.from(t.data.subarray(r * 7, r * 7 + 7));
      const order = row.map((v, i) => [v, i]).sort((a, b) => a[0] - b[0]);
      expect(out.values.data[r * 2]).toBe(Math.fround(order[0][0]));
      expect(out.indices.data[r * 2 + 1]).toBe(order[1][1]);
      const z = row.reduce((s, v) => s + Math.exp(v), 0);
      expect(maxError(out.soft.data.subarray(r * 7, r * 7 + 7), row.map((v) => Math.exp(v) / z))).toBeLessThan(1e-6);
    }
  });

  it('Resize bilinear (half-pixel) matches resizeBilinear; nearest matches floor indexing', async () => {
    const lin = await run([x], (g, [a]) => g.resize(a, { mode: 'linear', sizes: [2, 3, 13, 11] }));
    expect(maxError(lin.data, resizeBilinear(x, 13, 11).data)).toBeLessThan(1e-5);
    const linScaled = await run([x], (g, [a]) => g.resize(a, { mode: 'linear', scales: [1, 1, 2, 2] }));
    expect(maxError(linScaled.data, resizeBilinear(x, 12, 10).data)).toBeLessThan(1e-5);

    const near = await run([x], (g, [a]) => g.resize(a, { mode: 'nearest', scales: [1, 1, 2, 2] }));
    expect(near.dims).toEqual([2, 3, 12, 10]);
    for (let y = 0; y < 12; y++) for (let xx = 0; xx < 10; xx++) expect(near.data[y * 10 + xx]).toBe(x.data[Math.floor(y / 2) * 5 + Math.floor(xx / 2)]);
  });

  it('generic node() with explicit attributes (HardSigmoid alpha/beta as floats)', async () => {
    const y = await run([x], (g, [a]) => g.op('HardSigmoid', [a], { alpha: attr.float(0.5), beta: attr.float(0.25) }));
    expect(maxError(y.data, Array.from(x.data, (v) => Math.min(1, Math.max(0, 0.5 * v + 0.25))))).toBeLessThan(1e-6);
  });

  it('node() with outputNames writes a graph output directly (no Identity copy) and refuses a used name', async () => {
    const g = new OnnxGraphBuilder();
    const a = g.input('a', x.dims);
    const [sum] = g.node('Add', [a, a], {}, { outputNames: ['twice'] });
    g.output(sum, 'twice');
    expect(sum).toBe('twice');
    expect(g.graphNodes().map((n) => n.opType)).toEqual(['Add']);
    expect(() => g.node('Neg', [a], {}, { outputNames: ['a'] })).toThrow(/already used/);
    const y = (await runSession(g.toBytes(), { a: x })).twice;
    expect(maxError(y.data, Array.from(x.data, (v) => 2 * v))).toBeLessThan(1e-6);
  });
});

describe('OnnxGraphBuilder: validation', () => {
  it('rejects initializers whose length does not match dims, duplicate inputs and empty graphs', () => {
    const g = new OnnxGraphBuilder();
    expect(() => g.initializer('w', new Float32Array(5), [2, 3])).toThrow(/5 values but dims \[2, 3\] need 6/);
    g.input('x', [1]);
    expect(() => g.input('x', [1])).toThrow(/already used/);
    expect(() => g.toBytes()).toThrow(/no outputs/);
    expect(() => new OnnxGraphBuilder({ opset: 12 })).toThrow(/opset 12/);
  });
});

describe('OnnxGraphBuilder.fromModel', () => {
  it('appends nodes to an existing model, keeping its weights and inputs', async () => {
    const base = new OnnxGraphBuilder({ name: 'base', opset: 13 });
    const x = base.input('x', ['N', 2]);
    const h = base.mul(x, base.constFloat([3, 4], [2]));
    base.output(h, 'h');
    const ext = OnnxGraphBuilder.fromModel(base.toBytes());
    expect(ext.opset).toBe(13);
    // 'h' (an output of the base model) is usable; a second output reads an inner value too
    const y = ext.add(ext.identity('h'), ext.constFloat(1, []));
    ext.output(y, 'y');
    const x2 = { data: Float32Array.from([1, 2, 3, 4]), dims: [2, 2] };
    const out = await runSession(ext.toBytes(), { x: x2 });
    expect(Array.from(out.y.data)).toEqual([4, 9, 10, 17]);
    expect(Object.keys(out)).toEqual(['y']);
    expect(() => ext.input('x', [1])).toThrow(/already used/);
  });
});

describe('OnnxGraphBuilder.shape', () => {
  it.each([13, 17])('slices the shape with start/end at opset %s', async (opset) => {
    const g = new OnnxGraphBuilder({ opset });
    const x = g.input('x', ['N', 'C', 'H', 'W']);
    g.output(g.shape(x, 1, 3), 'y', [2], 'int64');
    const out = await runSession(g.toBytes(), { x: randomTensor([2, 3, 5, 7], 1) });
    expect(Array.from(out.y.data)).toEqual([3, 5]);
  });
});
