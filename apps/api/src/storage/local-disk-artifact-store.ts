import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, promises as fs } from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { FileChangedError, ObjectTooLargeError, type ArtifactStore, type StoredObject } from './artifact-store';

const KEY = /^sha256\/[0-9a-f]{2}\/[0-9a-f]{64}$/;

/**
 * Objects as files under `root`: `sha256/<first two hex digits>/<sha256>`. A write goes to `root/.tmp/` first,
 * is flushed to disk, then renamed into place, so a crash never leaves a partial object under its key.
 * Leftovers in `.tmp` (a process killed mid-write) are removed by `sweepTemp` at start-up.
 * Objects nobody references (an import that failed after storing its blobs) are harmless and are reused
 * by the next import of the same content.
 */
export class LocalDiskArtifactStore implements ArtifactStore {
  readonly description: string;
  private readonly tmpDir: string;

  constructor(private readonly root: string) {
    this.description = `local disk at ${root}`;
    this.tmpDir = path.join(root, '.tmp');
  }

  keyFor(sha256: string): string {
    return `sha256/${sha256.slice(0, 2)}/${sha256}`;
  }

  async putBytes(data: Uint8Array): Promise<StoredObject> {
    const sha256 = createHash('sha256').update(data).digest('hex');
    const key = this.keyFor(sha256);
    if (await this.has(key)) return { key, sha256, bytes: data.length, created: false };
    const tmp = await this.tempFile();
    try {
      const handle = await fs.open(tmp, 'wx');
      try {
        await handle.writeFile(data);
        await handle.datasync();
      } finally {
        await handle.close();
      }
      await this.moveIntoPlace(tmp, key);
    } catch (err) {
      await fs.rm(tmp, { force: true });
      throw err;
    }
    return { key, sha256, bytes: data.length, created: true };
  }

  async putFile(file: string, expectedSha256?: string): Promise<StoredObject> {
    if (expectedSha256) {
      const key = this.keyFor(expectedSha256);
      if (await this.has(key)) {
        // content addressing: the store has these bytes already; still make sure the file is what was validated
        const { sha256, bytes } = await hashFile(file);
        if (sha256 !== expectedSha256) throw new FileChangedError(file, expectedSha256, sha256);
        return { key, sha256, bytes, created: false };
      }
    }
    return this.write(createReadStream(file), { expectedSha256, file });
  }

  async putStream(source: AsyncIterable<Uint8Array>, options: { maxBytes?: number } = {}): Promise<StoredObject> {
    return this.write(source, { maxBytes: options.maxBytes });
  }

  /** Streams `source` into a temporary file, hashing and counting on the way, then moves it under its key. */
  private async write(source: AsyncIterable<Uint8Array>, check: { expectedSha256?: string; file?: string; maxBytes?: number }): Promise<StoredObject> {
    const tmp = await this.tempFile();
    try {
      const hash = createHash('sha256');
      let bytes = 0;
      const out = createWriteStream(tmp, { flags: 'wx' });
      await pipeline(source, async function* (chunks: AsyncIterable<Uint8Array>) {
        for await (const chunk of chunks) {
          bytes += chunk.length;
          if (check.maxBytes !== undefined && bytes > check.maxBytes) throw new ObjectTooLargeError(check.maxBytes);
          hash.update(chunk);
          yield chunk;
        }
      }, out);
      const sha256 = hash.digest('hex');
      if (check.expectedSha256 && sha256 !== check.expectedSha256) throw new FileChangedError(check.file ?? 'the stream', check.expectedSha256, sha256);
      const handle = await fs.open(tmp, 'r+');
      try {
        await handle.datasync();
      } finally {
        await handle.close();
      }
      const key = this.keyFor(sha256);
      if (await this.has(key)) {
        await fs.rm(tmp, { force: true });
        return { key, sha256, bytes, created: false };
      }
      await this.moveIntoPlace(tmp, key);
      return { key, sha256, bytes, created: true };
    } catch (err) {
      await fs.rm(tmp, { force: true });
      throw err;
    }
  }

  async has(key: string): Promise<boolean> {
    try {
      await fs.access(this.pathOf(key));
      return true;
    } catch {
      return false;
    }
  }

  async read(key: string): Promise<Buffer> {
    return fs.readFile(this.pathOf(key));
  }

  async openRead(key: string): Promise<Readable> {
    const file = this.pathOf(key);
    await fs.access(file);
    return createReadStream(file);
  }

  async copyToFile(key: string, destination: string): Promise<void> {
    await fs.copyFile(this.pathOf(key), destination);
  }

  /**
   * Removes temporary files of writes that never finished (a process killed mid-write) once they are older
   * than `olderThanMs`, so that a write in progress in another process sharing the folder is left alone.
   */
  async sweepTemp(olderThanMs = 3_600_000): Promise<number> {
    let names: string[];
    try {
      names = await fs.readdir(this.tmpDir);
    } catch {
      return 0;
    }
    let removed = 0;
    for (const name of names) {
      const file = path.join(this.tmpDir, name);
      const stat = await fs.stat(file).catch(() => null);
      if (!stat || Date.now() - stat.mtimeMs < olderThanMs) continue;
      await fs.rm(file, { force: true, recursive: true });
      removed++;
    }
    return removed;
  }

  private pathOf(key: string): string {
    if (!KEY.test(key)) throw new Error(`not a storage key of this store: ${key}`);
    return path.join(this.root, ...key.split('/'));
  }

  private async tempFile(): Promise<string> {
    await fs.mkdir(this.tmpDir, { recursive: true });
    return path.join(this.tmpDir, `${process.pid}-${randomBytes(8).toString('hex')}`);
  }

  private async moveIntoPlace(tmp: string, key: string): Promise<void> {
    const final = this.pathOf(key);
    await fs.mkdir(path.dirname(final), { recursive: true });
    // rename is atomic; when another writer stored the same content meanwhile, replacing it changes nothing
    await fs.rename(tmp, final);
  }
}

async function hashFile(file: string): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of createReadStream(file)) {
    hash.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  return { sha256: hash.digest('hex'), bytes };
}
