/**
 * The fixed 1x1 channel reduction used when the backbone has more channels than the flow wants
 * (a deviation: the paper feeds EfficientNet-B5's 304 channels directly). It is a PCA projection
 * fitted once on training features, centred and scaled so the projected channels have unit mean
 * variance; it is never trained with the flow (a learnable reduction could shrink the features and
 * lower the NLL without modelling anything, since it has no Jacobian term).
 */
import { createSession, OnnxGraphBuilder, runSession, type Tensor } from '@defectlab/ml-core';
import { createRng } from '@defectlab/datasets';

export interface Reduction {
  readonly inChannels: number;
  readonly outChannels: number;
  /** [outChannels, inChannels], row-major: y = weight . x + bias. */
  readonly weight: Float32Array;
  readonly bias: Float32Array;
}

/**
 * Samples `count` channel vectors uniformly over images and positions of all scales.
 * @param scales NCHW [N, Cb, Hs, Ws] per scale
 * @returns [count, Cb] row-major
 */
function sampleVectors(scales: readonly Tensor[], count: number, seed: number): Float32Array {
  const rng = createRng(seed);
  const cb = scales[0].dims[1];
  const sizes = scales.map((s) => s.dims[0] * s.dims[2] * s.dims[3]);
  const total = sizes.reduce((a, b) => a + b, 0);
  const out = new Float32Array(count * cb);
  for (let k = 0; k < count; k++) {
    let r = rng.int(0, total - 1);
    let si = 0;
    while (r >= sizes[si]) r -= sizes[si++];
    const s = scales[si];
    const plane = s.dims[2] * s.dims[3];
    const n = Math.floor(r / plane);
    const p = r % plane;
    for (let c = 0; c < cb; c++) out[k * cb + c] = s.data[(n * cb + c) * plane + p];
  }
  return out;
}

/** Orthonormalises the columns of q [d, k] in place (modified Gram-Schmidt). */
function orthonormalize(q: Float64Array, d: number, k: number): void {
  for (let j = 0; j < k; j++) {
    for (let i = 0; i < j; i++) {
      let dot = 0;
      for (let r = 0; r < d; r++) dot += q[r * k + i] * q[r * k + j];
      for (let r = 0; r < d; r++) q[r * k + j] -= dot * q[r * k + i];
    }
    let norm = 0;
    for (let r = 0; r < d; r++) norm += q[r * k + j] * q[r * k + j];
    norm = Math.sqrt(norm) || 1;
    for (let r = 0; r < d; r++) q[r * k + j] /= norm;
  }
}

/**
 * Fits the PCA reduction to `outChannels` on vectors sampled from the training features.
 * @param scales NCHW [N, Cb, Hs, Ws] per scale
 */
export async function fitPcaReduction(
  scales: readonly Tensor[],
  outChannels: number,
  samples: number,
  seed: number,
  iterations = 40,
): Promise<Reduction> {
  const d = scales[0].dims[1];
  const k = outChannels;
  if (k >= d) throw new RangeError(`fitPcaReduction: ${k} output channels >= ${d} input channels`);
  const x = sampleVectors(scales, samples, seed);
  const mean = new Float64Array(d);
  for (let i = 0; i < samples; i++) for (let c = 0; c < d; c++) mean[c] += x[i * d + c];
  for (let c = 0; c < d; c++) mean[c] /= samples;
  // Covariance on onnxruntime (a d x samples x d product is too slow in plain JS).
  const cov = await covariance(x, Float32Array.from(mean), samples, d);
  // Subspace iteration for the top-k eigenvectors.
  const rng = createRng(seed + 1);
  const q = new Float64Array(d * k);
  for (let i = 0; i < q.length; i++) q[i] = rng.normal();
  orthonormalize(q, d, k);
  const y = new Float64Array(d * k);
  for (let it = 0; it < iterations; it++) {
    y.fill(0);
    for (let r = 0; r < d; r++) {
      for (let s = 0; s < d; s++) {
        const a = cov[r * d + s];
        if (a === 0) continue;
        for (let j = 0; j < k; j++) y[r * k + j] += a * q[s * k + j];
      }
    }
    q.set(y);
    orthonormalize(q, d, k);
  }
  // Variance captured per component -> one global scale giving unit mean variance.
  let captured = 0;
  for (let j = 0; j < k; j++) {
    for (let r = 0; r < d; r++) {
      let cq = 0;
      for (let s = 0; s < d; s++) cq += cov[r * d + s] * q[s * k + j];
      captured += q[r * k + j] * cq;
    }
  }
  const scale = 1 / Math.sqrt(Math.max(captured / k, 1e-12));
  const weight = new Float32Array(k * d);
  const bias = new Float32Array(k);
  for (let j = 0; j < k; j++) {
    let b = 0;
    for (let c = 0; c < d; c++) {
      weight[j * d + c] = q[c * k + j] * scale;
      b -= weight[j * d + c] * mean[c];
    }
    bias[j] = b;
  }
  return { inChannels: d, outChannels: k, weight, bias };
}

/** (X - mean)^T (X - mean) / (samples - 1) of row-major X [samples, d], on onnxruntime. */
async function covariance(x: Float32Array, mean: Float32Array, samples: number, d: number): Promise<Float32Array> {
  const g = new OnnxGraphBuilder({ name: 'covariance' });
  const xs = g.input('x', [samples, d]);
  const centred = g.sub(xs, g.initializer('mean', mean, [d]));
  g.output(g.gemm(centred, centred, undefined, { transA: true, alpha: 1 / (samples - 1) }), 'cov', [d, d]);
  return (await runSession(g.toBytes(), { x: { data: x, dims: [samples, d] } })).cov.data;
}

/** Samples per onnxruntime call of {@link applyReduction} (bounds the extra memory). */
const REDUCTION_CHUNK = 64;

/**
 * Applies the reduction (a 1x1 convolution) to NCHW backbone maps on onnxruntime: [N, Cb, H, W] ->
 * [N, C, H, W]; returns `x` itself when `r` is null.
 */
export async function applyReduction(x: Tensor, r: Reduction | null, threads = 1): Promise<Tensor> {
  if (!r) return x;
  const [n, cb, h, w] = x.dims;
  const g = new OnnxGraphBuilder({ name: 'reduction' });
  const input = g.input('x', ['N', cb, h, w]);
  g.output(g.conv(input, g.initializer('w', r.weight, [r.outChannels, cb, 1, 1]), g.initializer('b', r.bias, [r.outChannels])), 'y');
  const session = await createSession(g.toBytes(), { threads });
  try {
    const out = new Float32Array(n * r.outChannels * h * w);
    const per = cb * h * w;
    for (let s = 0; s < n; s += REDUCTION_CHUNK) {
      const m = Math.min(REDUCTION_CHUNK, n - s);
      const { y } = await session.run({ x: { data: x.data.subarray(s * per, (s + m) * per), dims: [m, cb, h, w] } });
      out.set(y.data, s * r.outChannels * h * w);
    }
    return { data: out, dims: [n, r.outChannels, h, w] };
  } finally {
    await session.release();
  }
}
