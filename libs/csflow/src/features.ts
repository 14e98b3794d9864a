/**
 * Backbone features at the three CS-Flow input scales: each image is resized to S x S (S = inputSize) and
 * normalised; S/2 and S/4 are that batch halved twice by 2x2 averaging (the exported graph does the same
 * with AveragePool, so it takes the one normalised batch); each scale passes through the same frozen layer.
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
 * Halves a batch by 2x2 averaging, as ONNX AveragePool(kernel 2, stride 2) does in the exported graph.
 * @param x [N, C, H, W] with H, W even
 * @returns [N, C, H/2, W/2]
 */
export function halveByAveraging(x: Tensor): Tensor {
  const [n, c, h, w] = x.dims;
  const [oh, ow] = [h >> 1, w >> 1];
  const out = new Float32Array(n * c * oh * ow);
  for (let p = 0; p < n * c; p++) {
    const src = p * h * w;
    const dst = p * oh * ow;
    for (let y = 0; y < oh; y++) {
      for (let xx = 0; xx < ow; xx++) {
        const i = src + 2 * y * w + 2 * xx;
        out[dst + y * ow + xx] = (x.data[i] + x.data[i + 1] + x.data[i + w] + x.data[i + w + 1]) / 4;
      }
    }
  }
  return { data: out, dims: [n, c, oh, ow] };
}

/** The three normalised input scales of `images`: [N, 3, S, S], [N, 3, S/2, S/2], [N, 3, S/4, S/4]. */
export async function inputScales(images: readonly DecodedImage[], inputSize: number, normalization: InputNormalization): Promise<Tensor[]> {
  const full = await normalizedBatchAt(images, inputSize, normalization);
  const half = halveByAveraging(full);
  return [full, half, halveByAveraging(half)];
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
    const scales = await inputScales(chunk, inputSize, extractor.normalization);
    for (let si = 0; si < 3; si++) {
      const res = await extractor.extract(scales[si], [layer]);
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
