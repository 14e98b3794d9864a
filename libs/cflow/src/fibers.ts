/** Stage maps as fibers: one row of C features per patch position, with its positional-encoding row. */
import type { Tensor } from '@defectlab/ml-core';

/**
 * Rows of an NCHW map: row (n * h * w + s) = channels at image n, position s (row-major).
 * @returns [N * h * w, C] flattened
 */
export function mapToFibers(map: Tensor): Float32Array {
  const [n, c, h, w] = map.dims;
  const hw = h * w;
  const out = new Float32Array(n * hw * c);
  for (let i = 0; i < n; i++)
    for (let ch = 0; ch < c; ch++) {
      const src = (i * c + ch) * hw;
      for (let s = 0; s < hw; s++) out[(i * hw + s) * c + ch] = map.data[src + s];
    }
  return out;
}

/** Gathers `rows` of a row-major [*, width] array into a new [rows.length, width] array. */
export function gatherRows(data: Float32Array, width: number, rows: ArrayLike<number>): Float32Array {
  const out = new Float32Array(rows.length * width);
  for (let k = 0; k < rows.length; k++) out.set(data.subarray(rows[k] * width, (rows[k] + 1) * width), k * width);
  return out;
}
