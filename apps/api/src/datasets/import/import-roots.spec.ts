import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AppError } from '../../errors/app-error';
import { isInside, resolveImportFolder } from './import-roots';

describe('resolveImportFolder', () => {
  let base: string;
  let rootA: string;
  let rootB: string;
  beforeAll(() => {
    base = mkdtempSync(path.join(os.tmpdir(), 'roots-spec-'));
    rootA = path.join(base, 'a');
    rootB = path.join(base, 'b');
    mkdirSync(path.join(rootA, 'one'), { recursive: true });
    mkdirSync(path.join(rootB, 'two', 'inner'), { recursive: true });
    mkdirSync(path.join(base, 'outside'));
    writeFileSync(path.join(rootA, 'file.txt'), 'x');
    symlinkSync(path.join(base, 'outside'), path.join(rootA, 'escape'));
    symlinkSync(path.join(rootA, 'one'), path.join(rootA, 'alias'));
  });
  afterAll(() => rmSync(base, { recursive: true, force: true }));

  const code = async (p: string) => {
    const err = await resolveImportFolder(p, [rootA, rootB]).catch((e: unknown) => e);
    return err instanceof AppError ? err.code : err;
  };

  it('finds relative paths in the roots in order, and absolute paths inside a root', async () => {
    await expect(resolveImportFolder('one', [rootA, rootB])).resolves.toBe(path.join(rootA, 'one'));
    await expect(resolveImportFolder('two/inner', [rootA, rootB])).resolves.toBe(path.join(rootB, 'two', 'inner'));
    await expect(resolveImportFolder(path.join(rootB, 'two'), [rootA, rootB])).resolves.toBe(path.join(rootB, 'two'));
    await expect(resolveImportFolder('alias', [rootA, rootB])).resolves.toBe(path.join(rootA, 'one'));
  });

  it('refuses "..", absolute paths outside the roots and symlinks leading out', async () => {
    expect(await code('../outside')).toBe('PATH_NOT_ALLOWED');
    expect(await code('one/../one')).toBe('PATH_NOT_ALLOWED');
    expect(await code('one\\..\\..')).toBe('PATH_NOT_ALLOWED');
    expect(await code(path.join(base, 'outside'))).toBe('PATH_NOT_ALLOWED');
    expect(await code('escape')).toBe('PATH_NOT_ALLOWED');
    expect(await code('missing')).toBe('IMPORT_PATH_NOT_FOUND');
    expect(await code('file.txt')).toBe('IMPORT_PATH_NOT_FOUND');
    expect(await resolveImportFolder('one', []).catch((e: AppError) => e.code)).toBe('PATH_NOT_ALLOWED');
  });

  it('isInside compares whole path segments', () => {
    expect(isInside('/data/a', '/data/a/b')).toBe(true);
    expect(isInside('/data/a', '/data/a')).toBe(true);
    expect(isInside('/data/a', '/data/ab')).toBe(false);
    expect(isInside('/data/a', '/data')).toBe(false);
  });
});
