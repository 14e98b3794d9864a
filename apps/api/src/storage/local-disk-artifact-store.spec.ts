import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FileChangedError, ObjectTooLargeError } from './artifact-store';
import { LocalDiskArtifactStore } from './local-disk-artifact-store';

describe('LocalDiskArtifactStore', () => {
  let dir: string;
  let store: LocalDiskArtifactStore;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'store-spec-'));
    store = new LocalDiskArtifactStore(path.join(dir, 'store'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

  it('stores bytes under their sha256 once, and reads them back', async () => {
    const first = await store.putBytes(Buffer.from('hello'));
    expect(first).toEqual({ key: `sha256/${sha('hello').slice(0, 2)}/${sha('hello')}`, sha256: sha('hello'), bytes: 5, created: true });
    expect((await store.putBytes(Buffer.from('hello'))).created).toBe(false);
    expect((await store.read(first.key)).toString()).toBe('hello');
    expect(await store.has(first.key)).toBe(true);
    expect(readdirSync(path.join(dir, 'store', '.tmp'))).toEqual([]);
  });

  it('streams files in, deduplicates, and refuses a file whose content is not the validated one', async () => {
    const file = path.join(dir, 'a.bin');
    writeFileSync(file, Buffer.alloc(300_000, 3));
    const expected = sha(Buffer.alloc(300_000, 3));
    expect(await store.putFile(file, expected)).toMatchObject({ sha256: expected, bytes: 300_000, created: true });
    expect(await store.putFile(file, expected)).toMatchObject({ created: false });
    writeFileSync(file, 'changed');
    await expect(store.putFile(file, expected)).rejects.toBeInstanceOf(FileChangedError);
    await expect(store.putFile(file, sha('other'))).rejects.toBeInstanceOf(FileChangedError);
    expect(await store.has(store.keyFor(sha('changed')))).toBe(false);
    expect(readdirSync(path.join(dir, 'store', '.tmp'))).toEqual([]);
    const out = path.join(dir, 'copy.bin');
    await store.copyToFile(store.keyFor(expected), out);
    expect(sha(readFileSync(out))).toBe(expected);
  });

  it('streams a body in while hashing, and refuses one beyond maxBytes keeping nothing', async () => {
    async function* body(parts: number, size: number) {
      for (let i = 0; i < parts; i++) yield Buffer.alloc(size, i);
    }
    const whole = Buffer.concat(Array.from({ length: 4 }, (_, i) => Buffer.alloc(1000, i)));
    expect(await store.putStream(body(4, 1000), { maxBytes: 4000 })).toMatchObject({ sha256: sha(whole), bytes: 4000, created: true });
    expect((await store.read(store.keyFor(sha(whole)))).equals(whole)).toBe(true);
    await expect(store.putStream(body(5, 1000), { maxBytes: 4000 })).rejects.toBeInstanceOf(ObjectTooLargeError);
    const big = Buffer.concat(Array.from({ length: 5 }, (_, i) => Buffer.alloc(1000, i)));
    expect(await store.has(store.keyFor(sha(big)))).toBe(false);
    expect(readdirSync(path.join(dir, 'store', '.tmp'))).toEqual([]);
  });

  it('refuses keys that are not its own', async () => {
    await expect(store.read('../../etc/passwd')).rejects.toThrow(/not a storage key/);
  });

  it('sweeps stale temporary files, leaving fresh ones alone', async () => {
    mkdirSync(path.join(dir, 'store', '.tmp'), { recursive: true });
    writeFileSync(path.join(dir, 'store', '.tmp', 'old'), 'x');
    writeFileSync(path.join(dir, 'store', '.tmp', 'new'), 'x');
    const past = new Date(Date.now() - 2 * 3_600_000);
    utimesSync(path.join(dir, 'store', '.tmp', 'old'), past, past);
    expect(await store.sweepTemp()).toBe(1);
    expect(readdirSync(path.join(dir, 'store', '.tmp'))).toEqual(['new']);
  });
});
