import { promises as fs } from 'node:fs';
import { createReadStream } from 'node:fs';
import path from 'node:path';
import { createGunzip } from 'node:zlib';

export interface ArchiveLimits {
  /** Largest total size of the files in the archive. */
  readonly maxBytes: number;
  /** Most entries (files and folders). */
  readonly maxEntries: number;
}

export type ArchiveErrorCode = 'INVALID_ARCHIVE' | 'UNSAFE_ARCHIVE_ENTRY' | 'UPLOAD_TOO_LARGE';

/** A rejected archive; `entry` names the offending member when there is one. */
export class ArchiveError extends Error {
  override readonly name = 'ArchiveError';
  constructor(
    readonly code: ArchiveErrorCode,
    readonly entry: string | null,
    message: string,
  ) {
    super(entry ? `${entry}: ${message}` : message);
  }
}

/**
 * Extracts a tar archive (ustar, GNU long names, pax `path` records; optionally gzip-compressed) into
 * `dest`, streaming: memory use does not grow with the archive. Only regular files and folders are
 * accepted; links, devices, absolute names and ".." are refused, as are archives over the limits.
 * @returns the number of files written and their total size.
 */
export async function extractTarArchive(archive: string, dest: string, limits: ArchiveLimits): Promise<{ files: number; bytes: number }> {
  const head = Buffer.alloc(2);
  const handle = await fs.open(archive, 'r');
  try {
    await handle.read(head, 0, 2, 0);
  } finally {
    await handle.close();
  }
  const raw = createReadStream(archive);
  const source = head[0] === 0x1f && head[1] === 0x8b ? raw.pipe(createGunzip()) : raw;
  raw.on('error', (err) => source.destroy(err));
  const reader = new ByteReader(source[Symbol.asyncIterator]() as AsyncIterator<Buffer>);
  await fs.mkdir(dest, { recursive: true });

  let files = 0;
  let bytes = 0;
  let entries = 0;
  let longName: string | null = null;
  let paxPath: string | null = null;
  const written = new Set<string>();
  try {
    for (;;) {
      const header = await reader.read(512);
      if (!header || header.every((b) => b === 0)) break; // end of archive (one zero block is enough)
      verifyChecksum(header);
      const type = header[156] === 0 ? '0' : String.fromCharCode(header[156]);
      const size = parseNumber(header.subarray(124, 136));
      const padded = Math.ceil(size / 512) * 512;
      if (type === 'L') {
        longName = cString((await reader.readAll(padded)).subarray(0, size));
        continue;
      }
      if (type === 'x') {
        paxPath = parsePax((await reader.readAll(padded)).subarray(0, size))['path'] ?? null;
        continue;
      }
      if (type === 'g') {
        await reader.skip(padded);
        continue;
      }
      const prefix = header.subarray(257, 262).toString('latin1') === 'ustar' ? cString(header.subarray(345, 500)) : '';
      const plain = cString(header.subarray(0, 100));
      const name = paxPath ?? longName ?? (prefix ? `${prefix}/${plain}` : plain);
      longName = paxPath = null;
      if (++entries > limits.maxEntries) throw new ArchiveError('UPLOAD_TOO_LARGE', null, `the archive holds more than ${limits.maxEntries} entries`);
      const rel = safeRelativeName(name);
      if (type === '1' || type === '2') throw new ArchiveError('UNSAFE_ARCHIVE_ENTRY', name, 'links are not accepted in an upload');
      if (type === '5') {
        if (rel) await fs.mkdir(path.join(dest, rel), { recursive: true });
        await reader.skip(padded);
        continue;
      }
      if (type !== '0' && type !== '7') throw new ArchiveError('UNSAFE_ARCHIVE_ENTRY', name, `entries of tar type "${type}" are not accepted (only files and folders)`);
      if (!rel) throw new ArchiveError('INVALID_ARCHIVE', name, 'a file entry without a name');
      bytes += size;
      if (bytes > limits.maxBytes) throw new ArchiveError('UPLOAD_TOO_LARGE', name, `the archive's files add up to more than ${limits.maxBytes} bytes`);
      if (written.has(rel)) throw new ArchiveError('INVALID_ARCHIVE', name, 'appears twice in the archive');
      written.add(rel);
      const target = path.join(dest, rel);
      await fs.mkdir(path.dirname(target), { recursive: true });
      const out = await fs.open(target, 'wx');
      try {
        for await (const chunk of reader.chunks(size)) await out.write(chunk);
      } finally {
        await out.close();
      }
      await reader.skip(padded - size);
      files++;
    }
  } catch (err) {
    source.destroy();
    if (err instanceof ArchiveError) throw err;
    throw new ArchiveError('INVALID_ARCHIVE', null, `not a readable tar or tar.gz archive: ${(err as Error).message}`);
  }
  if (files === 0) throw new ArchiveError('INVALID_ARCHIVE', null, 'the archive holds no files (is it a tar or tar.gz?)');
  return { files, bytes };
}

/** A member name as a safe relative path ("" for the archive root), or ArchiveError for absolute names and "..". */
export function safeRelativeName(name: string): string {
  if (name.includes('\0') || name.includes('\\')) throw new ArchiveError('UNSAFE_ARCHIVE_ENTRY', name, 'names with NUL or backslash are not accepted');
  if (name.startsWith('/') || /^[A-Za-z]:/.test(name)) throw new ArchiveError('UNSAFE_ARCHIVE_ENTRY', name, 'absolute names are not accepted');
  const parts = name.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.includes('..')) throw new ArchiveError('UNSAFE_ARCHIVE_ENTRY', name, '".." is not accepted in archive names');
  return parts.join('/');
}

function verifyChecksum(header: Buffer): void {
  const stored = parseNumber(header.subarray(148, 156));
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 32 : header[i];
  if (sum !== stored) throw new ArchiveError('INVALID_ARCHIVE', null, 'a tar header has a wrong checksum (corrupt or not a tar archive)');
}

/** Octal (NUL/space terminated) or GNU base-256 numbers of tar headers. */
function parseNumber(field: Buffer): number {
  if (field[0] & 0x80) {
    let n = field[0] & 0x7f;
    for (let i = 1; i < field.length; i++) n = n * 256 + field[i];
    return n;
  }
  const text = field.toString('latin1').replace(/[\0 ]+$/g, '').replace(/\0.*$/, '').trim();
  if (text === '') return 0;
  if (!/^[0-7]+$/.test(text)) throw new ArchiveError('INVALID_ARCHIVE', null, 'a tar header holds a malformed number');
  return parseInt(text, 8);
}

function cString(buf: Buffer): string {
  const end = buf.indexOf(0);
  return buf.subarray(0, end < 0 ? buf.length : end).toString('utf8');
}

/** pax extended header records: "<length> <key>=<value>\n". */
function parsePax(buf: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  let pos = 0;
  while (pos < buf.length) {
    const space = buf.indexOf(0x20, pos);
    if (space < 0) break;
    const len = Number(buf.subarray(pos, space).toString('latin1'));
    if (!Number.isInteger(len) || len <= 0) throw new ArchiveError('INVALID_ARCHIVE', null, 'malformed pax header');
    const record = buf.subarray(space + 1, pos + len - 1).toString('utf8');
    const eq = record.indexOf('=');
    if (eq > 0) out[record.slice(0, eq)] = record.slice(eq + 1);
    pos += len;
  }
  return out;
}

/** Reads exact byte counts from an async stream of Buffers. */
class ByteReader {
  private buf: Buffer = Buffer.alloc(0);
  private ended = false;

  constructor(private readonly it: AsyncIterator<Buffer>) {}

  /** The next n bytes, null at a clean end of stream; throws when the stream ends inside them. */
  async read(n: number): Promise<Buffer | null> {
    await this.fill(n);
    if (this.buf.length === 0) return null;
    if (this.buf.length < n) throw new ArchiveError('INVALID_ARCHIVE', null, 'the archive is truncated');
    const out = this.buf.subarray(0, n);
    this.buf = this.buf.subarray(n);
    return out;
  }

  async readAll(n: number): Promise<Buffer> {
    if (n === 0) return Buffer.alloc(0);
    const out = await this.read(n);
    if (!out) throw new ArchiveError('INVALID_ARCHIVE', null, 'the archive is truncated');
    return Buffer.from(out);
  }

  /** Yields the next n bytes in pieces. */
  async *chunks(n: number): AsyncGenerator<Buffer> {
    let left = n;
    while (left > 0) {
      if (this.buf.length === 0) await this.fill(1);
      if (this.buf.length === 0) throw new ArchiveError('INVALID_ARCHIVE', null, 'the archive is truncated');
      const take = Math.min(left, this.buf.length);
      yield this.buf.subarray(0, take);
      this.buf = this.buf.subarray(take);
      left -= take;
    }
  }

  async skip(n: number): Promise<void> {
    for await (const _ of this.chunks(n)) {
      // discard
    }
  }

  private async fill(n: number): Promise<void> {
    while (this.buf.length < n && !this.ended) {
      const r = await this.it.next();
      if (r.done) this.ended = true;
      else this.buf = this.buf.length === 0 ? r.value : Buffer.concat([this.buf, r.value]);
    }
  }
}
