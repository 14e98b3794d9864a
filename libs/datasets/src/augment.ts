import { z } from 'zod';
import type { BinaryMask, DecodedImage } from '@defectlab/ml-core';
import { cropRaster, randomCropBox, regularCropBoxes } from './crop';
import { flipHorizontal, flipVertical, rotateRaster } from './geometry';
import type { Rng } from './prng';

/**
 * Training-time augmentations, each off by default. Applied in this order: rotation, random crop, flips.
 * (The regular crop grid is not random; use `expandWithRegularCrops`.)
 */
export const ZAugmentConfig = z.object({
  /** Crop a uniformly placed window of this size (must fit the image). */
  randomCrop: z.object({ width: z.number().int().positive(), height: z.number().int().positive() }).nullable().default(null),
  /** Probability of a left-right mirror. */
  horizontalFlip: z.number().min(0).max(1).default(0),
  /** Probability of a top-bottom mirror. */
  verticalFlip: z.number().min(0).max(1).default(0),
  /** Rotate by an angle uniform in [-maxRotationDegrees, +maxRotationDegrees] (0 = off). */
  maxRotationDegrees: z.number().min(0).max(45).default(0),
});
export type TAugmentConfig = z.infer<typeof ZAugmentConfig>;

export interface Augmented {
  readonly image: DecodedImage;
  readonly mask: BinaryMask | null;
}

/**
 * Applies one random draw of the configured augmentations to an image (and its mask, identically).
 * @param rng seeded generator: the same seed gives the same augmentation.
 */
export function augment(image: DecodedImage, config: Partial<TAugmentConfig>, rng: Rng, mask: BinaryMask | null = null): Augmented {
  const cfg = ZAugmentConfig.parse(config);
  let img = image;
  let m = mask;
  if (cfg.maxRotationDegrees > 0) {
    const deg = rng.uniform(-cfg.maxRotationDegrees, cfg.maxRotationDegrees);
    img = rotateRaster(img, deg);
    m = m && rotateRaster(m, deg);
  }
  if (cfg.randomCrop) {
    const box = randomCropBox(img.width, img.height, cfg.randomCrop.width, cfg.randomCrop.height, rng);
    img = cropRaster(img, box);
    m = m && cropRaster(m, box);
  }
  if (cfg.horizontalFlip > 0 && rng.chance(cfg.horizontalFlip)) {
    img = flipHorizontal(img);
    m = m && flipHorizontal(m);
  }
  if (cfg.verticalFlip > 0 && rng.chance(cfg.verticalFlip)) {
    img = flipVertical(img);
    m = m && flipVertical(m);
  }
  return { image: img, mask: m };
}

/**
 * Regular crop: replaces every image by its grid of overlapping crops (see `regularCropBoxes`).
 * @returns all crops, image by image, row-major within an image.
 */
export function expandWithRegularCrops(
  images: readonly DecodedImage[],
  grid: { cropWidth: number; cropHeight: number; strideX?: number; strideY?: number },
): DecodedImage[] {
  const out: DecodedImage[] = [];
  for (const img of images) {
    for (const box of regularCropBoxes(img.width, img.height, grid)) out.push(cropRaster(img, box));
  }
  return out;
}
