import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { makeTar } from '../../../test/support/tar-writer';
import { ArchiveError, extractTarArchive, safeRelativeName } from './tar-extract';

describe('extractTarArchive', () => {
  let dir: string;
  const limits = { maxBytes: 1 << 20, maxEntries: 100 };
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'tar-spec-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const archive = (buf: Buffer) => {
    const file = path.join(dir, `a-${Math.random()}.tar`);
    writeFileSync(file, buf);
    return file;
  };
  const rejects = async (buf: Buffer, code: string, l = limits) => {
    const err = await extractTarArchive(archive(buf), path.join(dir, 'out'), l).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ArchiveError);
    expect((err as ArchiveError).code).toBe(code);
    return err as ArchiveError;
  };

  it('extracts what GNU tar wrote, plain and gzipped, including long names', async () => {
    const src = path.join(dir, 'src');
    const long = 'x'.repeat(120);
    mkdirSync(path.join(src, 'train', 'good', long), { recursive: true });
    writeFileSync(path.join(src, 'train', 'good', 'a.png'), 'hello');
    writeFileSync(path.join(src, 'train', 'good', long, `${long}.png`), Buffer.alloc(1000, 7));
    for (const gzip of [false, true]) {
      const out = path.join(dir, `out-${gzip}`);
      const tar = execFileSync('tar', [gzip ? '-czf' : '-cf', '-', '-C', src, '.']);
      expect(await extractTarArchive(archive(tar), out, limits)).toEqual({ files: 2, bytes: 1005 });
      expect(readFileSync(path.join(out, 'train', 'good', 'a.png'), 'utf8')).toBe('hello');
      expect(readFileSync(path.join(out, 'train', 'good', long, `${long}.png`))).toEqual(Buffer.alloc(1000, 7));
    }
  });

  it('refuses "..", absolute names and links, naming the entry', async () => {
    expect((await rejects(makeTar([{ name: '../evil.png', data: Buffer.from('x') }]), 'UNSAFE_ARCHIVE_ENTRY')).entry).toBe('../evil.png');
    await rejects(makeTar([{ name: 'train/../../evil.png', data: Buffer.from('x') }]), 'UNSAFE_ARCHIVE_ENTRY');
    await rejects(makeTar([{ name: '/etc/evil.png', data: Buffer.from('x') }]), 'UNSAFE_ARCHIVE_ENTRY');
    await rejects(makeTar([{ name: 'train/good/a.png', type: '2', linkname: '/etc/passwd' }]), 'UNSAFE_ARCHIVE_ENTRY');
    await rejects(makeTar([{ name: 'train/good/a.png', type: '1', linkname: 'b.png' }]), 'UNSAFE_ARCHIVE_ENTRY');
  });

  it('enforces the size and entry limits, also for highly compressed archives', async () => {
    const bomb = gzipSync(makeTar([{ name: 'big.bin', data: Buffer.alloc(3 << 20) }]));
    expect(bomb.length).toBeLessThan(64 * 1024);
    await rejects(bomb, 'UPLOAD_TOO_LARGE');
    await rejects(makeTar([{ name: 'a', data: Buffer.from('1') }, { name: 'b', data: Buffer.from('2') }]), 'UPLOAD_TOO_LARGE', { maxBytes: 100, maxEntries: 1 });
  });

  it('refuses corrupt, truncated and non-tar input', async () => {
    await rejects(Buffer.from('definitely not a tar archive'.repeat(40)), 'INVALID_ARCHIVE');
    const good = makeTar([{ name: 'a.png', data: Buffer.alloc(2000, 1) }]);
    await rejects(good.subarray(0, 1024), 'INVALID_ARCHIVE');
    const badSum = Buffer.from(good);
    badSum[0] = 'b'.charCodeAt(0);
    await rejects(badSum, 'INVALID_ARCHIVE');
    await rejects(gzipSync(good).subarray(0, 30), 'INVALID_ARCHIVE');
    await rejects(makeTar([{ name: 'a.png', data: Buffer.from('1') }, { name: 'a.png', data: Buffer.from('2') }]), 'INVALID_ARCHIVE');
  });

  it('normalises safe names', () => {
    expect(safeRelativeName('./train/good/a.png')).toBe('train/good/a.png');
    expect(safeRelativeName('./')).toBe('');
    expect(() => safeRelativeName('C:evil')).toThrow(ArchiveError);
  });
});
