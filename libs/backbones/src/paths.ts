import * as path from 'node:path';

/** The repository root (libs/backbones/src -> three levels up). */
export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');

/** Folder of the descriptors shipped with this library. */
export const DESCRIPTORS_DIR = path.resolve(__dirname, '..', 'descriptors');

/**
 * Where converted and user-provided backbone files are cached: `$DEFECTLAB_DATA_DIR/backbones`, else
 * `<repo>/.data/backbones` (gitignored).
 */
export function defaultCacheDir(): string {
  return path.join(defaultDataDir(), 'backbones');
}

/** `$DEFECTLAB_DATA_DIR`, else `<repo>/.data` (gitignored). */
export function defaultDataDir(): string {
  return process.env.DEFECTLAB_DATA_DIR ? path.resolve(process.env.DEFECTLAB_DATA_DIR) : path.join(REPO_ROOT, '.data');
}
