import { promises as fs } from 'node:fs';
import path from 'node:path';
import { AppError } from '../../errors/app-error';

/** True when `child` is `parent` or lies below it (both absolute, normalised). */
export function isInside(parent: string, child: string): boolean {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/**
 * Resolves the folder a server-side import asked for, confined to the import roots:
 * - ".." segments are refused outright (even when they would stay inside a root);
 * - an absolute path must lie inside one of the roots;
 * - a relative path is looked up in each root in order, the first that has it wins;
 * - after resolving symlinks the folder must still lie inside that root's real path.
 * @returns the absolute folder (symlinks resolved).
 */
export async function resolveImportFolder(requested: string, roots: readonly string[]): Promise<string> {
  if (requested.includes('\0')) throw new AppError('PATH_NOT_ALLOWED', 'the path contains a NUL character');
  if (requested.split(/[\\/]+/).includes('..')) {
    throw new AppError('PATH_NOT_ALLOWED', `"${requested}": ".." is not allowed in import paths`);
  }
  if (roots.length === 0) throw new AppError('PATH_NOT_ALLOWED', 'no import roots are configured (DEFECTLAB_IMPORT_ROOTS)');
  const candidates = path.isAbsolute(requested)
    ? roots.filter((r) => isInside(path.resolve(r), path.resolve(requested))).map((r) => ({ root: r, folder: path.resolve(requested) }))
    : roots.map((r) => ({ root: r, folder: path.resolve(r, requested) }));
  if (candidates.length === 0) {
    throw new AppError('PATH_NOT_ALLOWED', `"${requested}" is outside the import roots (DEFECTLAB_IMPORT_ROOTS)`);
  }
  for (const { root, folder } of candidates) {
    let real: string;
    try {
      real = await fs.realpath(folder);
    } catch {
      continue;
    }
    const realRoot = await fs.realpath(root).catch(() => path.resolve(root));
    if (!isInside(realRoot, real)) {
      throw new AppError('PATH_NOT_ALLOWED', `"${requested}" resolves through a symbolic link to a folder outside its import root`);
    }
    const stat = await fs.stat(real);
    if (!stat.isDirectory()) throw new AppError('IMPORT_PATH_NOT_FOUND', `"${requested}" is not a folder`);
    return real;
  }
  throw new AppError('IMPORT_PATH_NOT_FOUND', `"${requested}" does not exist in the import roots (DEFECTLAB_IMPORT_ROOTS)`);
}
