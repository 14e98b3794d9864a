/**
 * Backbone features at the three CS-Flow input scales: each image is resized to S, S/2 and S/4
 * (S = inputSize) and passed through the same frozen backbone layer.
 */
import type { DecodedImage, FeatureExtractor, FitProgress, InputNormalization, LayerInfo, Tensor } from '@defectlab/ml-core';
import { resizeImage, toNormalizedBatch } from '@defectlab/datasets';

/** Smallest finest-map side the default layer choice accepts (the paper's is 24: 768 px / stride 32). */
export const MIN_FINEST_SIDE = 16;

/**
 * The layer used when the config names none: the deepest layer (largest stride, last listed on ties)
 * whose finest map (inputSize / stride) is at least 16 x 16 and whose stride divides inputSize / 4.
 */
export function defaultFeatureLayer(layers: readonly LayerInfo[], inputSize: number): string {
  const usable = layers.filter((l) => inputSize % (4 * l.stride) === 0 && inputSize / l.stride >= MIN_FINEST_SIDE);
  if (usable.length === 0) {
    throw new RangeError(`csflow: no backbone layer gives a finest map >= ${MIN_FINEST_SIDE} px at inputSize ${inputSize}`);
  }
  let best = usable[0];
  for (const l of usable) if (l.stride >= best.stride) best = l;
  return best.name;
}

/** Input sides of the three scales; each must give feature maps exactly half the previous. */
export function scaleSides(inputSize: number, stride: number): [number, number, number] {
  if (inputSize % (4 * stride) !== 0) {
    throw new RangeError(`csflow: inputSize ${inputSize} must be a multiple of 4 x the layer stride (${4 * stride})`);
  }
  return [inputSize, inputSize / 2, inputSize / 4];
}

/**
 * Resizes (stretch) and normalises images into one backbone input batch.
 * @returns [N, 3, side, side]
 */
export async function normalizedBatchAt(images: readonly DecodedImage[], side: number, normalization: InputNormalization): Promise<Tensor> {
  const resized = await Promise.all(
    images.map((im) => (im.width === side && im.height === side ? im : resizeImage(im, { width: side, height: side }))),
  );
  return toNormalizedBatch(resized, normalization);
}

/**
 * Extracts the three scales for `images`.
 * @returns per scale NCHW [N, Cb, S/stride, S/stride], [N, Cb, S/(2 stride), ...], [N, Cb, S/(4 stride), ...]
 */
export async function extractScales(
  extractor: FeatureExtractor,
  images: readonly DecodedImage[],
  layer: string,
  inputSize: number,
  batchSize: number,
  onProgress?: (p: FitProgress) => void,
  signal?: AbortSignal,
): Promise<Tensor[]> {
  const info = extractor.layers.find((l) => l.name === layer);
  if (!info) throw new Error(`csflow: backbone ${extractor.name} has no layer "${layer}" (has ${extractor.layers.map((l) => l.name).join(', ')})`);
  const sides = scaleSides(inputSize, info.stride);
  const n = images.length;
  const out: Tensor[] = sides.map((s) => {
    const f = s / info.stride;
    return { data: new Float32Array(n * info.channels * f * f), dims: [n, info.channels, f, f] };
  });
  const t0 = Date.now();
  for (let start = 0; start < n; start += batchSize) {
    signal?.throwIfAborted();
    const chunk = images.slice(start, start + batchSize);
    for (let si = 0; si < 3; si++) {
      const side = sides[si];
      const batch = await normalizedBatchAt(chunk, side, extractor.normalization);
      const res = await extractor.extract(batch, [layer]);
      const t = res[layer];
      const per = out[si].data.length / n;
      if (t.data.length !== per * chunk.length) {
        throw new Error(`csflow: layer ${layer} returned dims [${t.dims.join(', ')}], expected [${chunk.length}, ${out[si].dims.slice(1).join(', ')}]`);
      }
      out[si].data.set(t.data, start * per);
    }
    const done = Math.min(n, start + batchSize);
    const elapsed = (Date.now() - t0) / 1000;
    onProgress?.({
      phase: 'features',
      step: done,
      steps: n,
      throughput: done / Math.max(elapsed, 1e-3),
      etaSeconds: (elapsed / done) * (n - done),
    });
  }
  return out;
}
