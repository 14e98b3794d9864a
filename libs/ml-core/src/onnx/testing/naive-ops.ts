/**
 * Deliberately naive JS references for ONNX ops, used only by the builder's specs.
 * Loops mirror the operator definitions so that a mismatch points at the builder, not the maths.
 */
import type { Tensor } from '../../tensor';

export function randomTensor(dims: readonly number[], seed: number, lo = -1, hi = 1): Tensor {
  let s = seed >>> 0 || 1;
  const n = dims.reduce((a, b) => a * b, 1);
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    data[i] = lo + ((s >>> 0) / 4294967296) * (hi - lo);
  }
  return { data, dims: [...dims] };
}

export interface NaiveConv {
  strides?: number[];
  pads?: number[];
  dilations?: number[];
  group?: number;
}

/** x [N, C, H, W], w [M, C/g, kH, kW] -> [N, M, H', W']. */
export function naiveConv(x: Tensor, w: Tensor, b: Tensor | undefined, o: NaiveConv = {}): Tensor {
  const [n, c, h, wd] = x.dims;
  const [m, cg, kh, kw] = w.dims;
  const [sh, sw] = o.strides ?? [1, 1];
  const [pt, pl, pb, pr] = o.pads ?? [0, 0, 0, 0];
  const [dh, dw] = o.dilations ?? [1, 1];
  const g = o.group ?? 1;
  const oh = Math.floor((h + pt + pb - dh * (kh - 1) - 1) / sh) + 1;
  const ow = Math.floor((wd + pl + pr - dw * (kw - 1) - 1) / sw) + 1;
  const out = new Float32Array(n * m * oh * ow);
  const mPerGroup = m / g;
  for (let b0 = 0; b0 < n; b0++)
    for (let oc = 0; oc < m; oc++) {
      const grp = Math.floor(oc / mPerGroup);
      for (let oy = 0; oy < oh; oy++)
        for (let ox = 0; ox < ow; ox++) {
          let s = b ? b.data[oc] : 0;
          for (let ic = 0; ic < cg; ic++)
            for (let ky = 0; ky < kh; ky++)
              for (let kx = 0; kx < kw; kx++) {
                const iy = oy * sh - pt + ky * dh;
                const ix = ox * sw - pl + kx * dw;
                if (iy < 0 || iy >= h || ix < 0 || ix >= wd) continue;
                const cin = grp * cg + ic;
                s += x.data[((b0 * c + cin) * h + iy) * wd + ix] * w.data[((oc * cg + ic) * kh + ky) * kw + kx];
              }
          out[((b0 * m + oc) * oh + oy) * ow + ox] = s;
        }
    }
  return { data: out, dims: [n, m, oh, ow] };
}

/** ConvTranspose (group 1): x [N, C, H, W], w [C, M, kH, kW] -> [N, M, H', W'] by scattering. */
export function naiveConvTranspose(x: Tensor, w: Tensor, stride: number, pad: number): Tensor {
  const [n, c, h, wd] = x.dims;
  const [, m, kh, kw] = w.dims;
  const oh = (h - 1) * stride - 2 * pad + kh;
  const ow = (wd - 1) * stride - 2 * pad + kw;
  const out = new Float32Array(n * m * oh * ow);
  for (let b0 = 0; b0 < n; b0++)
    for (let ic = 0; ic < c; ic++)
      for (let iy = 0; iy < h; iy++)
        for (let ix = 0; ix < wd; ix++)
          for (let oc = 0; oc < m; oc++)
            for (let ky = 0; ky < kh; ky++)
              for (let kx = 0; kx < kw; kx++) {
                const oy = iy * stride - pad + ky;
                const ox = ix * stride - pad + kx;
                if (oy < 0 || oy >= oh || ox < 0 || ox >= ow) continue;
                out[((b0 * m + oc) * oh + oy) * ow + ox] += x.data[((b0 * c + ic) * h + iy) * wd + ix] * w.data[((ic * m + oc) * kh + ky) * kw + kx];
              }
  return { data: out, dims: [n, m, oh, ow] };
}

/** a [M, K] x b [K, N] (optionally transposed). */
export function naiveMatMul(a: Tensor, b: Tensor, transA = false, transB = false): Tensor {
  const [m, k] = transA ? [a.dims[1], a.dims[0]] : [a.dims[0], a.dims[1]];
  const nn = transB ? b.dims[0] : b.dims[1];
  const out = new Float32Array(m * nn);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < nn; j++) {
      let s = 0;
      for (let t = 0; t < k; t++) {
        const av = transA ? a.data[t * m + i] : a.data[i * k + t];
        const bv = transB ? b.data[j * k + t] : b.data[t * nn + j];
        s += av * bv;
      }
      out[i * nn + j] = s;
    }
  return { data: out, dims: [m, nn] };
}

/** Pooling over [N, C, H, W] with a square kernel; average excludes padding. */
export function naivePool(x: Tensor, kind: 'avg' | 'max', k: number, stride: number, pad: number, countIncludePad = false): Tensor {
  const [n, c, h, w] = x.dims;
  const oh = Math.floor((h + 2 * pad - k) / stride) + 1;
  const ow = Math.floor((w + 2 * pad - k) / stride) + 1;
  const out = new Float32Array(n * c * oh * ow);
  for (let p = 0; p < n * c; p++)
    for (let oy = 0; oy < oh; oy++)
      for (let ox = 0; ox < ow; ox++) {
        let s = kind === 'max' ? -Infinity : 0;
        let cnt = 0;
        for (let ky = 0; ky < k; ky++)
          for (let kx = 0; kx < k; kx++) {
            const iy = oy * stride - pad + ky;
            const ix = ox * stride - pad + kx;
            if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
            const v = x.data[(p * h + iy) * w + ix];
            s = kind === 'max' ? Math.max(s, v) : s + v;
            cnt++;
          }
        out[(p * oh + oy) * ow + ox] = kind === 'max' ? s : s / (countIncludePad ? k * k : cnt);
      }
  return { data: out, dims: [n, c, oh, ow] };
}

/** Largest relative-ish error: max |a - b| / (1 + |b|). */
export function maxError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let e = 0;
  for (let i = 0; i < a.length; i++) e = Math.max(e, Math.abs(a[i] - b[i]) / (1 + Math.abs(b[i])));
  return e;
}
