import type * as tfType from '@tensorflow/tfjs';
import { initTfjsWasm } from './backend';

/** Seeded uniform values in [-1, 1). */
function seeded(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = (((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1;
  }
  return out;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** Runs `f` on the given backend and returns plain arrays. */
async function on(tf: typeof tfType, backend: string, f: () => tfType.Tensor[]): Promise<Float32Array[]> {
  expect(await tf.setBackend(backend)).toBe(true);
  const outs = tf.tidy(f);
  try {
    return await Promise.all(outs.map(async (t) => (await t.data()) as Float32Array));
  } finally {
    outs.forEach((t) => t.dispose());
  }
}

describe('wasm gradient kernels', () => {
  let tf: typeof tfType;
  beforeAll(async () => {
    const b = await initTfjsWasm();
    tf = b.tf;
    expect(tf.getBackend()).toBe('wasm');
    expect(b.description).toMatch(/custom conv gradients/);
    // The stock wasm backend has no Conv2DBackpropFilter at all: its presence proves registration.
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeDefined();
  });
  afterAll(async () => {
    await tf.setBackend('wasm');
  });

  const cases: Array<{ name: string; x: [number, number, number, number]; k: number; cout: number; stride: number; pad: 'same' | 'valid' }> = [
    { name: '3x3 stride 1 same', x: [2, 5, 6, 3], k: 3, cout: 4, stride: 1, pad: 'same' },
    { name: '3x3 stride 1 valid', x: [2, 5, 6, 3], k: 3, cout: 4, stride: 1, pad: 'valid' },
    { name: '3x3 stride 2 same, even size', x: [2, 6, 8, 3], k: 3, cout: 5, stride: 2, pad: 'same' },
    { name: '3x3 stride 2 same, odd size', x: [1, 7, 5, 2], k: 3, cout: 3, stride: 2, pad: 'same' },
    { name: '5x5 stride 1 same', x: [2, 6, 6, 3], k: 5, cout: 2, stride: 1, pad: 'same' },
    { name: '1x1 stride 1', x: [2, 3, 4, 6], k: 1, cout: 3, stride: 1, pad: 'valid' },
  ];

  it.each(cases)('conv2d gradients match the cpu backend: $name', async ({ x, k, cout, stride, pad }) => {
    const xData = seeded(x[0] * x[1] * x[2] * x[3], 1);
    const wData = seeded(k * k * x[3] * cout, 2);
    const run = (): tfType.Tensor[] => {
      const xt = tf.tensor4d(xData, x);
      const wt = tf.tensor4d(wData, [k, k, x[3], cout]);
      const y = tf.conv2d(xt, wt, stride, pad);
      const r = tf.tensor(seeded(y.size, 3), y.shape);
      const [dx, dw] = tf.grads((a: tfType.Tensor, b: tfType.Tensor) =>
        tf.conv2d(a as tfType.Tensor4D, b as tfType.Tensor4D, stride, pad).mul(r).sum(),
      )([xt, wt]);
      return [y, dx, dw];
    };
    const ref = await on(tf, 'cpu', run);
    const got = await on(tf, 'wasm', run);
    for (let i = 0; i < 3; i++) expect(maxAbsDiff(got[i], ref[i])).toBeLessThan(1e-4);
  });

  it.each([
    [false, false],
    [true, false],
    [false, true],
    [true, true],
  ])('batchMatMul transposeA=%s transposeB=%s matches the cpu backend, with gradients', async (ta, tb) => {
    const aShape = ta ? [2, 4, 3] : [2, 3, 4];
    const bShape = tb ? [2, 5, 4] : [2, 4, 5];
    const run = (): tfType.Tensor[] => {
      const a = tf.tensor3d(seeded(24, 4), aShape as [number, number, number]);
      const b = tf.tensor3d(seeded(40, 5), bShape as [number, number, number]);
      const y = tf.matMul(a, b, ta, tb);
      const r = tf.tensor(seeded(y.size, 6), y.shape);
      const [da, db] = tf.grads((p: tfType.Tensor, q: tfType.Tensor) =>
        tf.matMul(p as tfType.Tensor3D, q as tfType.Tensor3D, ta, tb).mul(r).sum(),
      )([a, b]);
      return [y, da, db];
    };
    const ref = await on(tf, 'cpu', run);
    const got = await on(tf, 'wasm', run);
    for (let i = 0; i < 3; i++) expect(maxAbsDiff(got[i], ref[i])).toBeLessThan(1e-4);
  });

  it('frees every intermediate tensor', async () => {
    expect(await tf.setBackend('wasm')).toBe(true);
    const xt = tf.tensor4d(seeded(2 * 6 * 6 * 3, 7), [2, 6, 6, 3]);
    const wt = tf.tensor4d(seeded(3 * 3 * 3 * 4, 8), [3, 3, 3, 4]);
    const before = tf.engine().backend.numDataIds();
    const [dx, dw] = tf.grads((a: tfType.Tensor, b: tfType.Tensor) =>
      tf.conv2d(a as tfType.Tensor4D, b as tfType.Tensor4D, 2, 'same').sum(),
    )([xt, wt]);
    expect(tf.engine().backend.numDataIds()).toBe(before + 2);
    dx.dispose();
    dw.dispose();
    xt.dispose();
    wt.dispose();
  });
});
