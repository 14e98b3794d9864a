/**
 * Crop augmentation of the training images (issue 18 item 2: the seed study trained on random and regular
 * crops). The same three fields are part of every kind's config, so a sweep can vary them; all papers train
 * on the whole image, so the paper default is `cropMode: 'none'` and any other value is a recorded deviation.
 * The crops are cut from the decoded image and then resized to the model's `inputSize` (apps/trainer).
 */
import { z } from 'zod';

export const CROP_MODES = ['none', 'random', 'regular'] as const;
export type CropMode = (typeof CROP_MODES)[number];

/** The crop fields with their bounds (no defaults: presets and {@link PAPER_CROPS} supply them). */
export const cropFields = {
  /** none = whole image (every paper); random = `cropsPerImage` uniformly placed windows per image; regular = the overlapping grid (stride = half the crop). */
  cropMode: z.enum(CROP_MODES),
  /** Crop side as a fraction of the image's shorter side (1 = the largest centred square). */
  cropFraction: z.number().min(0.1).max(1),
  /** Random crops drawn per training image (cropMode 'random'); the regular grid ignores it. */
  cropsPerImage: z.number().int().min(1).max(64),
};

export interface TrainingCrops {
  readonly cropMode: CropMode;
  readonly cropFraction: number;
  readonly cropsPerImage: number;
}

/** Every paper trains on the whole image. */
export const PAPER_CROPS: TrainingCrops = { cropMode: 'none', cropFraction: 1, cropsPerImage: 1 };

/** The crop fields with the paper's values as defaults (for schemas that fill defaults themselves). */
export const cropFieldsWithDefaults = {
  cropMode: cropFields.cropMode.default(PAPER_CROPS.cropMode),
  cropFraction: cropFields.cropFraction.default(PAPER_CROPS.cropFraction),
  cropsPerImage: cropFields.cropsPerImage.default(PAPER_CROPS.cropsPerImage),
};

/** The deviation a resolved config's crop setting is from the paper (none when it trains on whole images). */
export function cropDeviations(config: Partial<TrainingCrops>): string[] {
  const mode = config.cropMode ?? 'none';
  if (mode === 'none') return [];
  const side = `${Math.round((config.cropFraction ?? 1) * 1000) / 10} % of the shorter side`;
  return mode === 'random'
    ? [`crop augmentation (not in the paper): ${config.cropsPerImage ?? 1} random crop(s) per training image, ${side}, resized to inputSize`]
    : [`crop augmentation (not in the paper): the regular crop grid (50 % overlap) of every training image, ${side}, resized to inputSize`];
}
