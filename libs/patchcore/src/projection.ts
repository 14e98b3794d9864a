/**
 * The reference implementation's channel projection, written as one linear map.
 *
 * PatchCore's code reduces each layer's patch vector to `preprocessingDim` values with
 * `adaptive_avg_pool1d`, stacks the layers and pools the stack once more to `targetDim`.
 * Adaptive average pooling is linear, so the whole chain is a matrix W [sum(C_l), targetDim] that we
 * apply as a 1x1 convolution (ONNX Conv) on the concatenated feature maps.
 */

/**
 * torch.nn.functional.adaptive_avg_pool1d as a matrix [inLen, outLen]: output bin i averages inputs
 * floor(i * inLen / outLen) .. ceil((i + 1) * inLen / outLen) - 1 (bins repeat inputs when outLen > inLen).
 */
export function adaptiveAvgPoolMatrix(inLen: number, outLen: number): Float32Array {
  const m = new Float32Array(inLen * outLen);
  for (let o = 0; o < outLen; o++) {
    const start = Math.floor((o * inLen) / outLen);
    const end = Math.ceil(((o + 1) * inLen) / outLen);
    for (let i = start; i < end; i++) m[i * outLen + o] = 1 / (end - start);
  }
  return m;
}

/**
 * The combined projection: per-layer pooling to `preprocessingDim`, concatenation, pooling to `targetDim`.
 * @param channels channel count of each layer, in concatenation order.
 * @returns W as a row-major [sum(channels), targetDim] matrix (feature row-vector times W).
 */
export function patchcoreProjection(channels: readonly number[], preprocessingDim: number, targetDim: number): Float32Array {
  const inTotal = channels.reduce((a, b) => a + b, 0);
  const stacked = channels.length * preprocessingDim;
  const aggregate = adaptiveAvgPoolMatrix(stacked, targetDim); // [stacked, targetDim]
  const w = new Float32Array(inTotal * targetDim);
  let rowOffset = 0;
  channels.forEach((c, layer) => {
    const pre = adaptiveAvgPoolMatrix(c, preprocessingDim); // [c, pre]
    for (let i = 0; i < c; i++)
      for (let p = 0; p < preprocessingDim; p++) {
        const a = pre[i * preprocessingDim + p];
        if (a === 0) continue;
        const aggRow = (layer * preprocessingDim + p) * targetDim;
        const outRow = (rowOffset + i) * targetDim;
        for (let t = 0; t < targetDim; t++) w[outRow + t] += a * aggregate[aggRow + t];
      }
    rowOffset += c;
  });
  return w;
}
