import type { Tensor } from '../tensor';

/**
 * Bilinear resize of an NCHW tensor to [N, C, outH, outW] with half-pixel centres, i.e.
 * PyTorch `F.interpolate(mode='bilinear', align_corners=False)` and ONNX Resize
 * (`mode='linear'`, `coordinate_transformation_mode='half_pixel'`). No antialiasing.
 */
export function resizeBilinear(input: Tensor, outH: number, outW: number): Tensor {
  const [n, c, h, w] = input.dims;
  const out = new Float32Array(n * c * outH * outW);
  const ys = axisWeights(h, outH);
  const xs = axisWeights(w, outW);
  for (let p = 0; p < n * c; p++) {
    const src = p * h * w;
    const dst = p * outH * outW;
    for (let oy = 0; oy < outH; oy++) {
      const y0 = ys.i0[oy], y1 = ys.i1[oy], fy = ys.f[oy];
      for (let ox = 0; ox < outW; ox++) {
        const x0 = xs.i0[ox], x1 = xs.i1[ox], fx = xs.f[ox];
        const top = input.data[src + y0 * w + x0] * (1 - fx) + input.data[src + y0 * w + x1] * fx;
        const bottom = input.data[src + y1 * w + x0] * (1 - fx) + input.data[src + y1 * w + x1] * fx;
        out[dst + oy * outW + ox] = top * (1 - fy) + bottom * fy;
      }
    }
  }
  return { data: out, dims: [n, c, outH, outW] };
}

function axisWeights(inSize: number, outSize: number): { i0: Int32Array; i1: Int32Array; f: Float32Array } {
  const i0 = new Int32Array(outSize);
  const i1 = new Int32Array(outSize);
  const f = new Float32Array(outSize);
  const scale = inSize / outSize;
  for (let o = 0; o < outSize; o++) {
    const src = Math.min(Math.max((o + 0.5) * scale - 0.5, 0), inSize - 1);
    const lo = Math.floor(src);
    i0[o] = lo;
    i1[o] = Math.min(lo + 1, inSize - 1);
    f[o] = src - lo;
  }
  return { i0, i1, f };
}
