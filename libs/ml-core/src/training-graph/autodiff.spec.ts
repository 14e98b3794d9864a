import fc from 'fast-check';
import { attr, OnnxGraphBuilder } from '../onnx';
import { SeededRandom } from '../random';
import { appendGradients, MissingGradientRuleError } from './autodiff';
import { checkGradients, expectGradientsClose, type CheckedInput } from './testing/gradient-check';

// Every gradient rule against central finite differences, over random shapes and attributes.
// float64 where onnxruntime's CPU provider has double kernels (tolerance 1e-6 of the summed
// contributions); Conv, ConvTranspose, AveragePool, GlobalAveragePool, Resize and Atan run in float32 only
// (no double kernel), so they are checked in float32: linear ops with a large step (their central
// difference is exact up to rounding), Atan with step 1e-2, both at tolerance 2e-3.
const F64 = 1e-6;
const F32 = 2e-3;

/** Values for `dims`, uniform in [lo, hi], with a random sign when `signed` (magnitudes stay >= lo). */
function values(seed: number, dims: readonly number[], lo = -1, hi = 1, signed = false): CheckedInput {
  const rng = new SeededRandom(seed);
  const n = dims.reduce((a, b) => a * b, 1);
  const data = Array.from({ length: n }, () => {
    const v = lo + (hi - lo) * rng.next();
    return signed && rng.next() < 0.5 ? -v : v;
  });
  return { dims, data };
}

/** A random permutation of 0..n-1 (Fisher-Yates). */
function shuffled(rng: SeededRandom, n: number): number[] {
  const p = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [p[i], p[j]] = [p[j], p[i]];
  }
  return p;
}

const dim = fc.integer({ min: 1, max: 3 });
const shape = fc.array(dim, { minLength: 1, maxLength: 4 });
const seed = fc.integer({ min: 0, max: 2 ** 30 });

/** A shape and a shape that broadcasts to it (some dims 1, maybe fewer leading axes). */
const broadcastPair = shape.chain((a) =>
  fc.tuple(fc.constant(a), fc.array(fc.boolean(), { minLength: a.length, maxLength: a.length }), fc.integer({ min: 0, max: a.length - 1 })).map(([s, ones, drop]) => {
    const b = s.map((d, i) => (ones[i] ? 1 : d)).slice(drop);
    return [s, b.length ? b : [1]] as const;
  }),
);

describe('gradient rules vs central finite differences', () => {
  it('Add, Sub, Mul, Div, Pow with broadcasting (float64)', async () => {
    await fc.assert(
      fc.asyncProperty(broadcastPair, fc.constantFrom('Add', 'Sub', 'Mul', 'Div', 'Pow'), fc.boolean(), seed, async ([sa, sb], op, swap, s) => {
        const [da, db] = swap && op !== 'Pow' ? [sb, sa] : [sa, sb];
        const a = op === 'Pow' ? values(s, da, 0.5, 2) : values(s, da);
        const b = op === 'Div' ? values(s + 1, db, 0.5, 2, true) : values(s + 1, db);
        const r = await checkGradients({ dtype: 'float64', inputs: [a, b], seed: s, build: (g, [x, y]) => g.op(op, [x, y]) });
        expectGradientsClose(r, F64);
      }),
    );
  });

  it('Pow with a constant exponent (float64)', async () => {
    await fc.assert(
      fc.asyncProperty(shape, fc.constantFrom(2, 0.5, 3, -1.5, 1), seed, async (d, e, s) => {
        const r = await checkGradients({ dtype: 'float64', inputs: [values(s, d, 0.5, 2)], seed: s, build: (g, [x]) => g.pow(x, g.constDouble(e)) });
        expectGradientsClose(r, F64);
      }),
    );
  });

  it('unary ops (float64; kinks avoided by |x| >= 0.1)', async () => {
    const ops = ['Exp', 'Log', 'Sqrt', 'Tanh', 'Sigmoid', 'Neg', 'Relu', 'LeakyRelu', 'Abs', 'Reciprocal', 'Identity'] as const;
    await fc.assert(
      fc.asyncProperty(shape, fc.constantFrom(...ops), fc.double({ min: 0.01, max: 0.5, noNaN: true }), seed, async (d, op, alpha, s) => {
        const positive = op === 'Log' || op === 'Sqrt';
        const x = positive ? values(s, d, 0.2, 2) : values(s, d, 0.1, 1.5, true);
        const r = await checkGradients({
          dtype: 'float64',
          inputs: [x],
          seed: s,
          build: (g, [v]) => (op === 'LeakyRelu' ? g.leakyRelu(v, alpha) : g.op(op, [v])),
        });
        expectGradientsClose(r, F64);
      }),
    );
  });

  it('Atan, the soft clamp (float32: no double kernel)', async () => {
    await fc.assert(
      fc.asyncProperty(shape, fc.double({ min: 0.5, max: 3, noNaN: true }), seed, async (d, clamp, s) => {
        const r = await checkGradients({
          dtype: 'float32',
          inputs: [values(s, d, -3, 3)],
          seed: s,
          build: (g, [v]) => g.mul(g.atan(g.div(v, g.constFloat(clamp))), g.constFloat(clamp * 0.636)),
        });
        expectGradientsClose(r, F32);
      }),
    );
  });

  it('a value used twice sums its gradient contributions (float64)', async () => {
    await fc.assert(
      fc.asyncProperty(shape, seed, async (d, s) => {
        const r = await checkGradients({ dtype: 'float64', inputs: [values(s, d)], seed: s, build: (g, [x]) => g.add(g.mul(x, x), g.exp(g.tanh(x))) });
        expectGradientsClose(r, F64);
      }),
    );
  });

  const convCase = fc.record({
    n: fc.integer({ min: 1, max: 2 }),
    cin: fc.integer({ min: 1, max: 3 }),
    cout: fc.integer({ min: 1, max: 3 }),
    h: fc.integer({ min: 3, max: 7 }),
    w: fc.integer({ min: 3, max: 7 }),
    kh: fc.integer({ min: 1, max: 3 }),
    kw: fc.integer({ min: 1, max: 3 }),
    stride: fc.array(fc.integer({ min: 1, max: 2 }), { minLength: 2, maxLength: 2 }),
    dilation: fc.array(fc.integer({ min: 1, max: 2 }), { minLength: 2, maxLength: 2 }),
    pads: fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 4, maxLength: 4 }),
    bias: fc.boolean(),
  });

  it('Conv: input, weight and bias gradients (float32)', async () => {
    await fc.assert(
      fc.asyncProperty(convCase, seed, async (c, s) => {
        const pads = c.pads.map((p, i) => Math.min(p, (i % 2 === 0 ? c.kh : c.kw) - 1));
        fc.pre(c.h + pads[0] + pads[2] >= c.dilation[0] * (c.kh - 1) + 1 && c.w + pads[1] + pads[3] >= c.dilation[1] * (c.kw - 1) + 1);
        const inputs = [values(s, [c.n, c.cin, c.h, c.w]), values(s + 1, [c.cout, c.cin, c.kh, c.kw])];
        if (c.bias) inputs.push(values(s + 2, [c.cout]));
        const r = await checkGradients({
          dtype: 'float32',
          inputs,
          seed: s,
          epsilon: 0.5,
          build: (g, [x, w, b]) => g.conv(x, w, b, { strides: c.stride, dilations: c.dilation, pads }),
        });
        expectGradientsClose(r, F32);
      }),
    );
  });

  it('ConvTranspose: input, weight and bias gradients (float32)', async () => {
    await fc.assert(
      fc.asyncProperty(convCase, seed, async (c, s) => {
        const pads = c.pads.map((p, i) => Math.min(p, (i % 2 === 0 ? c.kh : c.kw) - 1));
        const inputs = [values(s, [c.n, c.cin, c.h, c.w]), values(s + 1, [c.cin, c.cout, c.kh, c.kw])];
        if (c.bias) inputs.push(values(s + 2, [c.cout]));
        const r = await checkGradients({
          dtype: 'float32',
          inputs,
          seed: s,
          epsilon: 0.5,
          build: (g, [x, w, b]) => g.convTranspose(x, w, b, { strides: c.stride, dilations: c.dilation, pads }),
        });
        expectGradientsClose(r, F32);
      }),
    );
  });

  it('AveragePool with and without counted padding, GlobalAveragePool (float32)', async () => {
    await fc.assert(
      fc.asyncProperty(convCase, fc.boolean(), fc.boolean(), seed, async (c, countPad, global, s) => {
        const pads = c.pads.map((p, i) => Math.min(p, (i % 2 === 0 ? c.kh : c.kw) - 1));
        const r = await checkGradients({
          dtype: 'float32',
          inputs: [values(s, [c.n, c.cin, c.h, c.w])],
          seed: s,
          epsilon: 0.5,
          build: (g, [x]) => (global ? g.globalAveragePool(x) : g.averagePool(x, { kernelShape: [c.kh, c.kw], strides: c.stride, pads, countIncludePad: countPad })),
        });
        expectGradientsClose(r, F32);
      }),
    );
  });

  it('MatMul with batch broadcasting and Gemm with transposes (float64)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({ m: dim, k: dim, n: dim, batchA: fc.array(dim, { maxLength: 2 }), dropB: fc.boolean() }),
        fc.record({ transA: fc.boolean(), transB: fc.boolean(), alpha: fc.double({ min: -2, max: 2, noNaN: true }), beta: fc.double({ min: -2, max: 2, noNaN: true }), c: fc.constantFrom('none', 'row', 'full') }),
        seed,
        async (mm, gm, s) => {
          const a = values(s, [...mm.batchA, mm.m, mm.k]);
          const b = values(s + 1, [...(mm.dropB ? [] : mm.batchA.map(() => 1)), mm.k, mm.n]);
          const r1 = await checkGradients({ dtype: 'float64', inputs: [a, b], seed: s, build: (g, [x, y]) => g.matMul(x, y) });
          expectGradientsClose(r1, F64);
          const ga = values(s + 2, gm.transA ? [mm.k, mm.m] : [mm.m, mm.k]);
          const gb = values(s + 3, gm.transB ? [mm.n, mm.k] : [mm.k, mm.n]);
          const inputs = gm.c === 'none' ? [ga, gb] : [ga, gb, values(s + 4, gm.c === 'row' ? [mm.n] : [mm.m, mm.n])];
          const r2 = await checkGradients({
            dtype: 'float64',
            inputs,
            seed: s,
            build: (g, [x, y, c]) => g.gemm(x, y, c, { alpha: gm.alpha, beta: gm.beta, transA: gm.transA, transB: gm.transB }),
          });
          expectGradientsClose(r2, F64);
        },
      ),
    );
  });

  it('Concat, Split, Slice, Pad, Transpose, Reshape, Flatten, (Un)squeeze, Expand (float64)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 2, maxLength: 4 }), fc.nat(), fc.nat(), seed, async (d, axisSeed, cut, s) => {
        const rank = d.length;
        const axis = axisSeed % rank;
        const x = values(s, d);
        const other = values(s + 1, d.map((v, i) => (i === axis ? 1 + (cut % 3) : v)));
        const build = (g: OnnxGraphBuilder, [a, b]: readonly string[]): string => {
          const cat = g.concat([a, b, a], axis);
          const total = d[axis] * 2 + 1 + (cut % 3);
          const first = 1 + (cut % Math.max(1, total - 1));
          const [p, q] = g.node('Split', [cat, g.constInt64([first, total - first])], { axis: attr.int(axis) }, { outputs: 2 });
          const sliced = g.slice(p, [0], [Math.max(1, first - 1)], [axis]);
          const padded = g.pad(sliced, d.map((_, i) => (i === axis ? 1 : 0)).concat(d.map(() => 1)));
          const perm = Array.from({ length: rank }, (_, i) => (i + axisSeed) % rank);
          const t = g.transpose(padded, perm);
          const flat = g.unsqueeze(g.flatten(t, 1), [0]);
          const squeezed = g.squeeze(flat, [0]);
          const expanded = g.op('Expand', [g.reduceSum(q, [axis], true), g.constInt64([2, ...d.map((v, i) => (i === axis ? 3 : v))])]);
          return g.concat([g.reshape(squeezed, [-1]), g.reshape(expanded, [-1])], 0);
        };
        const r = await checkGradients({ dtype: 'float64', inputs: [x, other], seed: s, build });
        expectGradientsClose(r, F64);
      }),
    );
  });

  it('Gather by a permutation and by repeated indices (float64)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 3 }), fc.nat(), fc.boolean(), seed, async (d, axisSeed, permutation, s) => {
        const axis = axisSeed % d.length;
        const rng = new SeededRandom(s + 7);
        const n = d[axis];
        const idx = permutation ? shuffled(rng, n) : Array.from({ length: n + 2 }, () => rng.int(n));
        const r = await checkGradients({ dtype: 'float64', inputs: [values(s, d)], seed: s, build: (g, [x]) => g.gather(x, Array.from(idx), axis) });
        expectGradientsClose(r, F64);
      }),
    );
  });

  it('TopK values (largest or smallest, any axis): the gradient reaches the selected entries (float64)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 3 }), fc.nat(), fc.nat(), fc.boolean(), seed, async (d, axisSeed, kSeed, largest, s) => {
        const axis = axisSeed % d.length;
        const k = 1 + (kSeed % d[axis]);
        // distinct values (a random permutation scaled), so the selection is stable under the FD step
        const n = d.reduce((a, b) => a * b, 1);
        const perm = shuffled(new SeededRandom(s), n);
        const x = { dims: d, data: perm.map((p) => p * 0.1 + 0.01) };
        const r = await checkGradients({ dtype: 'float64', inputs: [x], seed: s, build: (g, [v]) => g.topK(v, k, axis, largest)[0] });
        expectGradientsClose(r, F64);
      }),
    );
  });

  it('ReduceSum and ReduceMean over random axes, keepdims or not (float64)', async () => {
    await fc.assert(
      fc.asyncProperty(shape, fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }), fc.boolean(), fc.boolean(), seed, async (d, pick, keep, mean, s) => {
        const axes = d.map((_, i) => i).filter((i) => pick[i]);
        const chosen = axes.length ? axes : [0];
        const r = await checkGradients({
          dtype: 'float64',
          inputs: [values(s, d)],
          seed: s,
          build: (g, [x]) => (mean ? g.reduceMean(x, chosen, keep) : g.reduceSum(x, chosen, keep)),
        });
        expectGradientsClose(r, F64);
      }),
    );
  });

  it('Resize: linear with every coordinate mode and nearest, by scales or sizes (float32)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({ h: fc.integer({ min: 1, max: 5 }), w: fc.integer({ min: 1, max: 5 }), oh: fc.integer({ min: 1, max: 9 }), ow: fc.integer({ min: 1, max: 9 }) }),
        fc.constantFrom('half_pixel', 'align_corners', 'asymmetric', 'pytorch_half_pixel'),
        fc.constantFrom('linear', 'nearest'),
        fc.boolean(),
        seed,
        async (sz, coord, mode, byScale, s) => {
          const r = await checkGradients({
            dtype: 'float32',
            inputs: [values(s, [1, 2, sz.h, sz.w])],
            seed: s,
            epsilon: 0.5,
            build: (g, [x]) =>
              g.resize(x, {
                mode: mode as 'linear' | 'nearest',
                coordinateTransformationMode: coord as 'half_pixel',
                ...(byScale ? { scales: [1, 1, 2, 2] } : { sizes: [1, 2, sz.oh, sz.ow] }),
              }),
          });
          expectGradientsClose(r, F32);
        },
      ),
    );
  });
});

describe('appendGradients at graph build time', () => {
  it('fails naming the op, the node and the model when an op on the path has no rule', () => {
    const g = new OnnxGraphBuilder();
    const x = g.input('x', [2, 3]);
    const w = g.initializer('w', new Float32Array(9).fill(0.1), [3, 3]);
    const loss = g.reduceSum(g.softmax(g.matMul(x, w)), [0, 1], false);
    expect(() => appendGradients(g, { loss, wrt: [w], model: 'tiny-softmax' })).toThrow(MissingGradientRuleError);
    expect(() => appendGradients(g, { loss, wrt: [w], model: 'tiny-softmax' })).toThrow(/op "Softmax".*model "tiny-softmax"/);
  });

  it('ignores ops without rules that lie off the path from the parameters to the loss', () => {
    const g = new OnnxGraphBuilder();
    const x = g.input('x', [2, 3]);
    const w = g.initializer('w', new Float32Array(9).fill(0.1), [3, 3]);
    const side = g.softmax(x); // depends on the data only
    const loss = g.reduceSum(g.mul(g.matMul(x, w), side), [0, 1], false);
    expect(appendGradients(g, { loss, wrt: [w], model: 'tiny' }).gradients).toHaveLength(1);
  });

  it('refuses a parameter that does not reach the loss', () => {
    const g = new OnnxGraphBuilder();
    const x = g.input('x', [2, 3]);
    const w = g.initializer('w', new Float32Array(3), [3]);
    const loss = g.reduceSum(x, [0, 1], false);
    expect(() => appendGradients(g, { loss, wrt: [w], model: 'tiny' })).toThrow(/"w" does not affect the loss of model "tiny"/);
  });
});
