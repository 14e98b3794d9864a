/**
 * The 2D sinusoidal positional encoding that conditions CFlow-AD's decoders (reference
 * `positionalencoding2d(D, H, W)`): with d = D / 2 and w_i = 10000^(-2i / d), i < d / 2,
 * channel 2i = sin(x w_i), 2i + 1 = cos(x w_i), d + 2i = sin(y w_i), d + 2i + 1 = cos(y w_i).
 */

/**
 * The encoding as rows, one per position in row-major order (s = y * width + x).
 * @returns [height * width, dim] flattened (float32)
 */
export function positionalEncoding2d(dim: number, height: number, width: number): Float32Array {
  if (dim % 4 !== 0) throw new RangeError(`positional encoding: dim ${dim} must be a multiple of 4`);
  const d = dim / 2;
  const out = new Float32Array(height * width * dim);
  for (let i = 0; i < d / 2; i++) {
    const w = Math.exp(2 * i * -(Math.log(1e4) / d));
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const row = (y * width + x) * dim;
        out[row + 2 * i] = Math.sin(x * w);
        out[row + 2 * i + 1] = Math.cos(x * w);
        out[row + d + 2 * i] = Math.sin(y * w);
        out[row + d + 2 * i + 1] = Math.cos(y * w);
      }
    }
  }
  return out;
}
