/**
 * Loads ../shared/datasets/magnetic_tile for the model libraries' benchmarks (PatchCore, CFA): the
 * documented split rule, images stretched to one size (no crop, so no defect is cut away), masks resized alike.
 */
import * as path from 'node:path';
import type { BinaryMask, DecodedImage } from '@defectlab/ml-core';
import { loadSample, readMvtecFolder, type MvtecRecord } from '../mvtec-folder';
import { resizeImage, resizeMask } from '../resize';
import type { TSplitRule } from '@defectlab/contracts';
import { splitDataset } from '../splits';

/** The `shared/` folder beside the repository checkout. */
export const SHARED_DIR = path.resolve(__dirname, '..', '..', '..', '..', '..', 'shared');
export const MAGNETIC_TILE_DIR = path.join(SHARED_DIR, 'datasets', 'magnetic_tile');

/**
 * Validation = 10 % of train/good plus 20 % of each defect type (hash-v1, seed 0): the threshold for
 * "miss <= 0.5 %" needs defective images to be fitted on; the test split keeps the other 80 %.
 */
export const MAGNETIC_TILE_BENCH_SPLIT_RULE: Partial<TSplitRule> = { kind: 'hash-v1', seed: 0, validationFractionGood: 0.1, validationFractionDefective: 0.2 };

export interface BenchSample {
  readonly record: MvtecRecord;
  readonly image: DecodedImage;
  /** null for good images. */
  readonly mask: BinaryMask | null;
  readonly label: 0 | 1;
}

export interface BenchData {
  readonly train: BenchSample[];
  readonly validation: BenchSample[];
  readonly test: BenchSample[];
  /** Sizes of the full splits, before any limit thinned them. */
  readonly sizes: { readonly train: number; readonly validation: number; readonly test: number };
  readonly rule: TSplitRule;
  readonly size: number;
}

/** Caps on the number of images loaded per split (smoke runs and timing-only runs). */
export interface SplitLimits {
  readonly train: number;
  readonly validation: number;
  readonly test: number;
}

async function load(records: readonly MvtecRecord[], size: number): Promise<BenchSample[]> {
  const out: BenchSample[] = [];
  for (const record of records) {
    const s = await loadSample(record);
    const image = await resizeImage(s.image, { width: size, height: size, mode: 'stretch' });
    const mask = s.mask ? resizeMask(s.mask, { width: size, height: size, mode: 'stretch' }) : null;
    out.push({ record, image, mask, label: record.label === 'defective' ? 1 : 0 });
  }
  return out;
}

/** Evenly thins a list to at most `limit` entries (keeps class mix roughly; for smoke runs). */
function thin<T>(xs: readonly T[], limit: number): T[] {
  if (xs.length <= limit) return [...xs];
  const step = xs.length / limit;
  return Array.from({ length: limit }, (_, i) => xs[Math.floor(i * step)]);
}

/**
 * Reads, splits and resizes the data set. `limit` caps each split (one number for all, or one per
 * split), thinning it evenly; default all.
 */
export async function loadMagneticTile(size = 224, limit: number | SplitLimits = Infinity): Promise<BenchData> {
  const split = splitDataset(await readMvtecFolder(MAGNETIC_TILE_DIR), MAGNETIC_TILE_BENCH_SPLIT_RULE);
  const caps: SplitLimits = typeof limit === 'number' ? { train: limit, validation: limit, test: limit } : limit;
  return {
    train: await load(thin(split.train, caps.train), size),
    validation: await load(thin(split.validation, caps.validation), size),
    test: await load(thin(split.test, caps.test), size),
    sizes: { train: split.train.length, validation: split.validation.length, test: split.test.length },
    rule: split.rule,
    size,
  };
}
