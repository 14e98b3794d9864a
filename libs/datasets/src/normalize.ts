import type { DecodedImage, InputNormalization, Tensor } from '@defectlab/ml-core';
import { DatasetError } from './errors';

/** ImageNet channel statistics (RGB, after scaling to [0, 1]). */
export const IMAGENET_NORMALIZATION: InputNormalization = {
  mean: [0.485, 0.456, 0.406],
  std: [0.229, 0.224, 0.225],
};

/**
 * Packs same-size images into one normalised batch: x = (pixel / 255 - mean[c]) / std[c].
 * @param images N images, HWC RGB uint8, all W x H.
 * @param normalization per-channel mean/std (default ImageNet).
 * @param out optional reusable buffer of length N*3*H*W (avoids a fresh allocation per batch).
 * @returns Tensor [N, 3, H, W] float32.
 */
export function toNormalizedBatch(
  images: readonly DecodedImage[],
  normalization: InputNormalization = IMAGENET_NORMALIZATION,
  out?: Float32Array,
): Tensor {
  if (images.length === 0) throw new DatasetError('bad-argument', 'batch', 'toNormalizedBatch needs at least one image');
  const { width, height } = images[0];
  const plane = width * height;
  const size = images.length * 3 * plane;
  if (out && out.length !== size) {
    throw new DatasetError('bad-argument', 'batch', `reusable buffer has ${out.length} elements, batch needs ${size}`);
  }
  const data = out ?? new Float32Array(size);
  const scale = [0, 1, 2].map((c) => 1 / (255 * normalization.std[c]));
  const shift = [0, 1, 2].map((c) => -normalization.mean[c] / normalization.std[c]);
  images.forEach((img, n) => {
    if (img.width !== width || img.height !== height) {
      throw new DatasetError('bad-argument', `batch[${n}]`, `image is ${img.width}x${img.height}, batch is ${width}x${height}`);
    }
    for (let c = 0; c < 3; c++) {
      const base = (n * 3 + c) * plane;
      const s = scale[c];
      const b = shift[c];
      for (let i = 0; i < plane; i++) data[base + i] = img.data[i * 3 + c] * s + b;
    }
  });
  return { data, dims: [images.length, 3, height, width] };
}
