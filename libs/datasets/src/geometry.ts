import { channelsOf, type Raster } from './raster';

// One module-level binding of Math: under jest every lookup of a global such as `Math` goes through the
// vm context's interceptor and made the per-pixel loops here 10-20x slower; plain Node is unaffected.
const math = Math;

/** Mirrors left-right. Works on images (3 channels) and masks (1 channel). */
export function flipHorizontal<T extends Raster>(src: T): T {
  const c = channelsOf(src);
  const data = new Uint8Array(src.data.length);
  for (let y = 0; y < src.height; y++) {
    for (let x = 0; x < src.width; x++) {
      const s = (y * src.width + x) * c;
      const d = (y * src.width + (src.width - 1 - x)) * c;
      for (let k = 0; k < c; k++) data[d + k] = src.data[s + k];
    }
  }
  return { ...src, data };
}

/** Mirrors top-bottom. */
export function flipVertical<T extends Raster>(src: T): T {
  const c = channelsOf(src);
  const row = src.width * c;
  const data = new Uint8Array(src.data.length);
  for (let y = 0; y < src.height; y++) data.set(src.data.subarray(y * row, (y + 1) * row), (src.height - 1 - y) * row);
  return { ...src, data };
}

/**
 * Rotates about the image centre by `degrees` (counter-clockwise), keeping the size.
 * Pixels pulled from outside the source are reflected at the border (no black corners).
 * Images use bilinear interpolation; 1-channel rasters (masks) use nearest neighbour so they stay binary.
 */
export function rotateRaster<T extends Raster>(src: T, degrees: number): T {
  const c = channelsOf(src);
  const { width: w, height: h } = src;
  const data = new Uint8Array(src.data.length);
  const rad = (degrees * math.PI) / 180;
  const cos = math.cos(rad);
  const sin = math.sin(rad);
  const cx = (w - 1) / 2;
  const cy = (h - 1) / 2;
  const nearest = c === 1;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      // inverse mapping: output pixel -> source position
      const dx = x - cx;
      const dy = y - cy;
      const sx = cx + cos * dx - sin * dy;
      const sy = cy + sin * dx + cos * dy;
      const o = (y * w + x) * c;
      if (nearest) {
        const ix = reflect(math.round(sx), w);
        const iy = reflect(math.round(sy), h);
        data[o] = src.data[iy * w + ix];
        continue;
      }
      const x0 = math.floor(sx);
      const y0 = math.floor(sy);
      const fx = sx - x0;
      const fy = sy - y0;
      const ax = reflect(x0, w);
      const bx = reflect(x0 + 1, w);
      const ay = reflect(y0, h);
      const by = reflect(y0 + 1, h);
      for (let k = 0; k < c; k++) {
        const v00 = src.data[(ay * w + ax) * c + k];
        const v01 = src.data[(ay * w + bx) * c + k];
        const v10 = src.data[(by * w + ax) * c + k];
        const v11 = src.data[(by * w + bx) * c + k];
        const v = (v00 * (1 - fx) + v01 * fx) * (1 - fy) + (v10 * (1 - fx) + v11 * fx) * fy;
        data[o + k] = math.round(v);
      }
    }
  }
  return { ...src, data };
}

/** Reflects an index into [0, n) (mirror without repeating the edge pixel). */
function reflect(i: number, n: number): number {
  if (n === 1) return 0;
  const period = 2 * (n - 1);
  let m = i % period;
  if (m < 0) m += period;
  return m < n ? m : period - m;
}
