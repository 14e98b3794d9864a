import { DatasetError, createRng, cropRaster, loadSample, readImage, resizeImage, resizeMask, trainingCropBoxes, type MvtecRecord, type TrainingCropSetting } from '@defectlab/datasets';
import type { BinaryMask, DecodedImage } from '@defectlab/ml-core';
import type { TImageInput } from '@defectlab/contracts';
import { UserError } from '../user-error';

/** An image at the model input size, with its mask at the same size (null for good images or no mask). */
export interface InputSample {
  readonly record: MvtecRecord;
  readonly image: DecodedImage;
  readonly mask: BinaryMask | null;
}

/**
 * Decodes one record's image and brings it to the run's input size.
 * @returns HWC RGB uint8 of input.width x input.height
 * @throws UserError naming the file when it cannot be read or decoded
 */
export async function loadInputImage(record: MvtecRecord, input: TImageInput): Promise<DecodedImage> {
  try {
    return await resize(await readImage(record.path), input);
  } catch (e) {
    throw asUserError(e);
  }
}

/** Like {@link loadInputImage}, plus the mask resized with the same geometry (nearest neighbour). */
export async function loadInputSample(record: MvtecRecord, input: TImageInput): Promise<InputSample> {
  try {
    const s = await loadSample(record);
    const mask = s.mask ? resizeMask(s.mask, input) : null;
    return { record, image: await resize(s.image, input), mask };
  } catch (e) {
    throw asUserError(e);
  }
}

/**
 * The training images of a run: each record decoded, cut into the run's crop windows (none = the whole
 * image; random crops drawn from one generator seeded with the run's seed, so a run is repeatable) and every
 * window resized to the input size. This is the one training data path of every model kind.
 * @throws UserError naming the file when it cannot be read or decoded
 */
export async function loadTrainingImages(records: readonly MvtecRecord[], input: TImageInput, crops: TrainingCropSetting, seed: number): Promise<DecodedImage[]> {
  if (crops.cropMode === 'none') {
    const whole: DecodedImage[] = [];
    for (const r of records) whole.push(await loadInputImage(r, input));
    return whole;
  }
  const rng = createRng(seed);
  const out: DecodedImage[] = [];
  for (const r of records) {
    try {
      const img = await readImage(r.path);
      for (const box of trainingCropBoxes(img.width, img.height, crops, rng)) out.push(await resize(cropRaster(img, box), input));
    } catch (e) {
      throw asUserError(e);
    }
  }
  return out;
}

function resize(img: DecodedImage, input: TImageInput): Promise<DecodedImage> | DecodedImage {
  return img.width === input.width && img.height === input.height ? img : resizeImage(img, input);
}

function asUserError(e: unknown): Error {
  return e instanceof DatasetError ? new UserError(e.message) : (e as Error);
}
