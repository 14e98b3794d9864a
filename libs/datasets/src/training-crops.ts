import { randomCropBox, regularCropBoxes, type CropBox } from './crop';
import { DatasetError } from './errors';
import type { Rng } from './prng';

/** A run's crop augmentation (libs/contracts training-crops.ts holds the schema and the paper default). */
export interface TrainingCropSetting {
  /** none = the whole image; random = `cropsPerImage` uniformly placed squares; regular = the 50 %-overlap grid. */
  readonly cropMode: 'none' | 'random' | 'regular';
  /** Square side as a fraction (0, 1] of the image's shorter side. */
  readonly cropFraction: number;
  /** Squares drawn per image in mode 'random'. */
  readonly cropsPerImage: number;
}

/** The square side, in pixels, of a crop of a width x height image: round(fraction x shorter side), at least 1. */
export function cropSide(width: number, height: number, cropFraction: number): number {
  return Math.max(1, Math.min(Math.min(width, height), Math.round(cropFraction * Math.min(width, height))));
}

/**
 * The training windows of one width x height image under a crop setting (pure; `rng` is used by 'random'
 * only). 'none' gives the whole image; 'random' `cropsPerImage` squares placed uniformly; 'regular' the
 * overlapping grid of squares (stride half the side, last window flush with the border, so every pixel is covered).
 * @throws DatasetError for an empty image, a fraction outside (0, 1] or a crop count below 1
 */
export function trainingCropBoxes(width: number, height: number, setting: TrainingCropSetting, rng: Rng): CropBox[] {
  if (!(width >= 1 && height >= 1)) throw new DatasetError('bad-argument', 'training crops', `image ${width}x${height} is empty`);
  if (!(setting.cropFraction > 0 && setting.cropFraction <= 1)) {
    throw new DatasetError('bad-argument', 'training crops', `cropFraction ${setting.cropFraction} is outside (0, 1]`);
  }
  if (setting.cropMode === 'none') return [{ x: 0, y: 0, width, height }];
  const side = cropSide(width, height, setting.cropFraction);
  if (setting.cropMode === 'regular') return regularCropBoxes(width, height, { cropWidth: side, cropHeight: side });
  if (!(Number.isInteger(setting.cropsPerImage) && setting.cropsPerImage >= 1)) {
    throw new DatasetError('bad-argument', 'training crops', `cropsPerImage ${setting.cropsPerImage} is not a positive integer`);
  }
  return Array.from({ length: setting.cropsPerImage }, () => randomCropBox(width, height, side, side, rng));
}
