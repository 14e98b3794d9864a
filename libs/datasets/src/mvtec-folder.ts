import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { BinaryMask, DecodedImage } from '@defectlab/ml-core';
import { DatasetError } from './errors';
import { readImage, readMask } from './read-image';

/** File extensions looked at inside class folders (case-insensitive). Other files are ignored. */
export const IMAGE_EXTENSIONS = ['.png', '.jpg', '.jpeg', '.tif', '.tiff', '.bmp'] as const;

/** One image of an MVTec-AD-layout folder. */
export interface MvtecRecord {
  /** Absolute path of the image. */
  readonly path: string;
  /** Path relative to the dataset root, with forward slashes (stable id for splits and caches). */
  readonly relPath: string;
  readonly split: 'train' | 'test';
  readonly label: 'good' | 'defective';
  /** 'good' for normal images, else the defect folder name. */
  readonly defectType: string;
  /** Absolute path of `ground_truth/<type>/<stem>_mask.png`, or null when absent (always null for good). */
  readonly maskPath: string | null;
}

/**
 * Lists an MVTec-AD-layout folder: `train/good`, `test/good`, `test/<defect type>`,
 * `ground_truth/<defect type>/<stem>_mask.<ext>`. Records are sorted by relPath.
 * Every file (after resolving symlinks) must stay inside the root.
 * @throws DatasetError for a missing train/good, an empty class folder, or a path escaping the root.
 */
export async function readMvtecFolder(root: string): Promise<MvtecRecord[]> {
  const absRoot = path.resolve(root);
  let realRoot: string;
  try {
    realRoot = await fs.realpath(absRoot);
  } catch {
    throw new DatasetError('bad-layout', absRoot, 'dataset root does not exist');
  }
  const records: MvtecRecord[] = [];
  const trainDir = path.join(absRoot, 'train');
  const testDir = path.join(absRoot, 'test');
  const trainClasses = await listDirs(trainDir, realRoot);
  if (!trainClasses.includes('good')) throw new DatasetError('bad-layout', path.join(trainDir, 'good'), 'missing train/good folder');
  const extra = trainClasses.filter((c) => c !== 'good');
  if (extra.length > 0) {
    throw new DatasetError('bad-layout', trainDir, `train may only hold "good", found: ${extra.join(', ')}`);
  }
  for (const file of await listImages(path.join(trainDir, 'good'), realRoot)) {
    records.push(makeRecord(absRoot, file, 'train', 'good', null));
  }
  const testClasses = (await exists(testDir)) ? await listDirs(testDir, realRoot) : [];
  for (const cls of testClasses) {
    for (const file of await listImages(path.join(testDir, cls), realRoot)) {
      const maskPath = cls === 'good' ? null : await findMask(absRoot, realRoot, cls, file);
      records.push(makeRecord(absRoot, file, 'test', cls, maskPath));
    }
  }
  records.sort((a, b) => (a.relPath < b.relPath ? -1 : a.relPath > b.relPath ? 1 : 0));
  return records;
}

/** An image with its (optional) mask, checked to be the same size. */
export interface LoadedSample {
  readonly record: MvtecRecord;
  readonly image: DecodedImage;
  readonly mask: BinaryMask | null;
}

/**
 * Decodes a record's image and mask.
 * @throws DatasetError 'mask-size-mismatch' naming the mask when its size differs from the image.
 */
export async function loadSample(record: MvtecRecord): Promise<LoadedSample> {
  const image = await readImage(record.path);
  const mask = record.maskPath ? await readMask(record.maskPath) : null;
  if (mask && (mask.width !== image.width || mask.height !== image.height)) {
    throw new DatasetError(
      'mask-size-mismatch',
      record.maskPath as string,
      `mask is ${mask.width}x${mask.height} but image ${record.relPath} is ${image.width}x${image.height}`,
    );
  }
  return { record, image, mask };
}

function makeRecord(root: string, file: string, split: 'train' | 'test', cls: string, maskPath: string | null): MvtecRecord {
  return {
    path: file,
    relPath: path.relative(root, file).split(path.sep).join('/'),
    split,
    label: cls === 'good' ? 'good' : 'defective',
    defectType: cls,
    maskPath,
  };
}

async function findMask(root: string, realRoot: string, cls: string, imageFile: string): Promise<string | null> {
  const stem = path.basename(imageFile, path.extname(imageFile));
  const dir = path.join(root, 'ground_truth', cls);
  for (const ext of ['.png', ...IMAGE_EXTENSIONS.filter((e) => e !== '.png')]) {
    const candidate = path.join(dir, `${stem}_mask${ext}`);
    if (await exists(candidate)) {
      await assertInside(candidate, realRoot);
      return candidate;
    }
  }
  return null;
}

async function listDirs(dir: string, realRoot: string): Promise<string[]> {
  await assertInside(dir, realRoot);
  let entries;
  try {
    entries = await fs.readdir(dir, { withFileTypes: true });
  } catch {
    throw new DatasetError('bad-layout', dir, 'folder is missing or unreadable');
  }
  const out: string[] = [];
  for (const e of entries) {
    if (e.name.startsWith('.')) continue;
    const full = path.join(dir, e.name);
    if (e.isDirectory() || (e.isSymbolicLink() && (await fs.stat(full)).isDirectory())) out.push(e.name);
  }
  return out.sort();
}

async function listImages(dir: string, realRoot: string): Promise<string[]> {
  await assertInside(dir, realRoot);
  const entries = await fs.readdir(dir);
  const files = entries
    .filter((n) => !n.startsWith('.') && (IMAGE_EXTENSIONS as readonly string[]).includes(path.extname(n).toLowerCase()))
    .sort()
    .map((n) => path.join(dir, n));
  if (files.length === 0) throw new DatasetError('empty-class-folder', dir, 'class folder holds no images');
  for (const f of files) await assertInside(f, realRoot);
  return files;
}

/** Throws unless `p`, with symlinks resolved, lies inside realRoot. */
async function assertInside(p: string, realRoot: string): Promise<void> {
  let real: string;
  try {
    real = await fs.realpath(p);
  } catch {
    return; // missing paths are reported by the caller
  }
  const rel = path.relative(realRoot, real);
  if (rel.startsWith('..') || path.isAbsolute(rel)) {
    throw new DatasetError('path-escape', p, `resolves to ${real}, outside the dataset root ${realRoot}`);
  }
}

async function exists(p: string): Promise<boolean> {
  try {
    await fs.access(p);
    return true;
  } catch {
    return false;
  }
}
