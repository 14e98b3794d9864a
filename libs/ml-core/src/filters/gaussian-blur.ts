import type { Tensor } from '../tensor';

/**
 * Normalised 1-D Gaussian kernel, radius = round(truncate * sigma) as in scipy.ndimage.gaussian_filter
 * (truncate 4: sigma 4 -> 33 taps). Length 2 * radius + 1.
 */
export function gaussianKernel1d(sigma: number, truncate = 4): Float32Array {
  if (!(sigma > 0)) throw new RangeError(`gaussianKernel1d: sigma must be > 0, got ${sigma}`);
  const radius = Math.floor(truncate * sigma + 0.5);
  const k = new Float32Array(2 * radius + 1);
  let sum = 0;
  for (let i = -radius; i <= radius; i++) {
    const v = Math.exp((-0.5 * i * i) / (sigma * sigma));
    k[i + radius] = v;
    sum += v;
  }
  for (let i = 0; i < k.length; i++) k[i] /= sum;
  return k;
}

/** scipy's 'reflect' boundary (half-sample symmetric: d c b a | a b c d | d c b a). */
function reflectIndex(i: number, n: number): number {
  if (n === 1) return 0;
  const period = 2 * n;
  let j = ((i % period) + period) % period;
  if (j >= n) j = period - 1 - j;
  return j;
}

/**
 * Separable Gaussian blur of every [H, W] plane of an NCHW tensor, with scipy's 'reflect' boundary,
 * matching `scipy.ndimage.gaussian_filter(map, sigma)` that the PatchCore reference applies to its
 * anomaly maps. Input and output: [N, C, H, W]. Pure; returns a new tensor.
 */
export function gaussianBlur(input: Tensor, sigma: number, truncate = 4): Tensor {
  const [n, c, h, w] = input.dims;
  const k = gaussianKernel1d(sigma, truncate);
  const r = (k.length - 1) / 2;
  const out = new Float32Array(input.data.length);
  const row = new Float32Array(h * w);
  // source index of every (output position, tap), reflect border resolved once per axis
  const taps = k.length;
  const xIdx = new Int32Array(w * taps);
  for (let x = 0; x < w; x++) for (let t = 0; t < taps; t++) xIdx[x * taps + t] = reflectIndex(x + t - r, w);
  const yIdx = new Int32Array(h * taps);
  for (let y = 0; y < h; y++) for (let t = 0; t < taps; t++) yIdx[y * taps + t] = reflectIndex(y + t - r, h) * w;
  for (let p = 0; p < n * c; p++) {
    const src = input.data.subarray(p * h * w, (p + 1) * h * w);
    // horizontal pass into `row`
    for (let y = 0; y < h; y++) {
      const base = y * w;
      for (let x = 0; x < w; x++) {
        let s = 0;
        const o = x * taps;
        for (let t = 0; t < taps; t++) s += k[t] * src[base + xIdx[o + t]];
        row[base + x] = s;
      }
    }
    // vertical pass into the output plane
    const dst = out.subarray(p * h * w, (p + 1) * h * w);
    for (let y = 0; y < h; y++) {
      const o = y * taps;
      for (let x = 0; x < w; x++) {
        let s = 0;
        for (let t = 0; t < taps; t++) s += k[t] * row[yIdx[o + t] + x];
        dst[y * w + x] = s;
      }
    }
  }
  return { data: out, dims: [n, c, h, w] };
}
