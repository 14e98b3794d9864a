/**
 * A dense float32 tensor: a flat row-major buffer plus its dimensions.
 * Image batches and feature maps are NCHW: dims = [N, C, H, W].
 */
export interface Tensor {
  readonly data: Float32Array;
  readonly dims: readonly number[];
}

/** Number of elements implied by `dims`. */
export function elementCount(dims: readonly number[]): number {
  let n = 1;
  for (const d of dims) n *= d;
  return n;
}

/** Creates a zero-filled tensor of the given dims. */
export function zeros(dims: readonly number[]): Tensor {
  return { data: new Float32Array(elementCount(dims)), dims: [...dims] };
}

/** Wraps `data` as a tensor after checking that its length matches `dims`. */
export function tensor(data: Float32Array, dims: readonly number[]): Tensor {
  const expected = elementCount(dims);
  if (data.length !== expected) {
    throw new RangeError(`tensor: data has ${data.length} elements but dims [${dims.join(', ')}] need ${expected}`);
  }
  return { data, dims: [...dims] };
}
