/**
 * ../shared/datasets/magnetic_tile for the CS-Flow bench. Split rule (hash-v1, seed 0): validation =
 * 10 % of train/good + 20 % of each defect type (the miss <= 0.5 % threshold needs defective images to
 * be fitted on); test = the remaining test images; train = the remaining train/good.
 * Images are stretched to a square side (no crop, so no defect is cut away); masks alike.
 */
import * as path from 'node:path';
import { loadSample, readMvtecFolder, resizeImage, resizeMask, splitDataset, type MvtecRecord, type TSplitRule } from '@defectlab/datasets';
import type { BinaryMask, DecodedImage } from '@defectlab/ml-core';

export const SHARED_DIR = path.resolve(__dirname, '..', '..', '..', '..', 'shared');
export const MAGNETIC_TILE_DIR = path.join(SHARED_DIR, 'datasets', 'magnetic_tile');
export const RESNET_ONNX = path.join(SHARED_DIR, 'backbones', 'resnet50v2-stage1to3', 'resnet50v2_stage1to3.onnx');
export const SPLIT_RULE: Partial<TSplitRule> = { kind: 'hash-v1', seed: 0, validationFractionGood: 0.1, validationFractionDefective: 0.2 };

export interface Sample {
  readonly record: MvtecRecord;
  readonly image: DecodedImage;
  readonly mask: BinaryMask | null;
  readonly label: 0 | 1;
}

/** Evenly thins a list to at most `limit` entries (deterministic; keeps the class mix roughly). */
export function thin<T>(xs: readonly T[], limit: number): T[] {
  if (xs.length <= limit) return [...xs];
  const step = xs.length / limit;
  return Array.from({ length: limit }, (_, i) => xs[Math.floor(i * step)]);
}

async function load(records: readonly MvtecRecord[], size: number): Promise<Sample[]> {
  const out: Sample[] = [];
  for (const record of records) {
    const s = await loadSample(record);
    const image = await resizeImage(s.image, { width: size, height: size, mode: 'stretch' });
    const mask = s.mask ? resizeMask(s.mask, { width: size, height: size, mode: 'stretch' }) : null;
    out.push({ record, image, mask, label: record.label === 'defective' ? 1 : 0 });
  }
  return out;
}

export async function loadMagneticTile(size: number, limits: { train: number; validation: number; test: number }) {
  const split = splitDataset(await readMvtecFolder(MAGNETIC_TILE_DIR), SPLIT_RULE);
  return {
    rule: split.rule,
    sizes: { train: split.train.length, validation: split.validation.length, test: split.test.length },
    train: await load(thin(split.train, limits.train), size),
    validation: await load(thin(split.validation, limits.validation), size),
    test: await load(thin(split.test, limits.test), size),
  };
}
