import { promises as fs } from 'node:fs';
import { createReadStream } from 'node:fs';
import path from 'node:path';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { extract as tarExtract } from 'tar-stream';

export interface ArchiveLimits {
  /** Largest total size of the files in the archive. */
  readonly maxBytes: number;
  /** Most entries (files and folders). */
  readonly maxEntries: number;
  /** Longest member name in bytes (plain, GNU long-name or pax `path`). Default 4096 (PATH_MAX). */
  readonly maxNameBytes?: number;
  /** Largest pax extended header of one member, in bytes (keys and values). Default 64 KiB. */
  readonly maxPaxBytes?: number;
}

export const DEFAULT_MAX_NAME_BYTES = 4096;
export const DEFAULT_MAX_PAX_BYTES = 64 * 1024;

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
 * Extracts a tar archive (ustar, GNU long names, pax; optionally gzip-compressed) into `dest`, streaming with
 * the maintained `tar-stream` parser: memory use does not grow with the archive, and no header is copied more
 * than once. Only regular files and folders are accepted; links, devices, unknown type flags, absolute names and
 * ".." are refused, as are archives over the limits: file bytes and entries (`limits`), name length and pax
 * header size (`maxNameBytes`, `maxPaxBytes`), and the decompressed tar stream as a whole (file bytes plus
 * 1 KiB per entry plus 16 MiB of headers), which bounds gzip bombs made of headers rather than files.
 * @returns the number of files written and their total size.
 */
export async function extractTarArchive(archive: string, dest: string, limits: ArchiveLimits): Promise<{ files: number; bytes: number }> {
  const maxNameBytes = limits.maxNameBytes ?? DEFAULT_MAX_NAME_BYTES;
  const maxPaxBytes = limits.maxPaxBytes ?? DEFAULT_MAX_PAX_BYTES;
  const maxStreamBytes = limits.maxBytes + limits.maxEntries * 1024 + 16 * 1024 * 1024;
  const gzipped = await startsWithGzipMagic(archive);
  await fs.mkdir(dest, { recursive: true });

  const extract = tarExtract();
  const stages: (NodeJS.ReadableStream | NodeJS.WritableStream)[] = [createReadStream(archive)];
  if (gzipped) stages.push(createGunzip());
  stages.push(byteCap(maxStreamBytes), extract);
  const feeding = pipeline(stages as [Readable, ...NodeJS.WritableStream[]]);

  let files = 0;
  let bytes = 0;
  let entries = 0;
  const written = new Set<string>();
  try {
    const reading = (async () => {
      for await (const entry of extract) {
        const { header } = entry;
        const name = header.name;
        const size = header.size ?? 0;
        if (Buffer.byteLength(name) > maxNameBytes) throw new ArchiveError('INVALID_ARCHIVE', name.slice(0, 100), `member name longer than ${maxNameBytes} bytes`);
        const pax = (header as { pax?: Record<string, string> }).pax;
        if (pax && paxBytes(pax) > maxPaxBytes) throw new ArchiveError('INVALID_ARCHIVE', name.slice(0, 100), `pax extended header larger than ${maxPaxBytes} bytes`);
        if (++entries > limits.maxEntries) throw new ArchiveError('UPLOAD_TOO_LARGE', null, `the archive holds more than ${limits.maxEntries} entries`);
        const rel = safeRelativeName(name);
        const type = header.type;
        if (type === 'link' || type === 'symlink') throw new ArchiveError('UNSAFE_ARCHIVE_ENTRY', name, 'links are not accepted in an upload');
        if (type === 'directory') {
          if (rel) await fs.mkdir(path.join(dest, rel), { recursive: true });
          entry.resume();
          continue;
        }
        if (type !== 'file' && type !== 'contiguous-file') {
          throw new ArchiveError('UNSAFE_ARCHIVE_ENTRY', name, `entries of tar type "${type ?? 'unknown'}" are not accepted (only files and folders)`);
        }
        if (!rel) throw new ArchiveError('INVALID_ARCHIVE', name, 'a file entry without a name');
        if (!Number.isSafeInteger(size) || size < 0) throw new ArchiveError('INVALID_ARCHIVE', name, 'a malformed size');
        bytes += size;
        if (bytes > limits.maxBytes) throw new ArchiveError('UPLOAD_TOO_LARGE', name, `the archive's files add up to more than ${limits.maxBytes} bytes`);
        if (written.has(rel)) throw new ArchiveError('INVALID_ARCHIVE', name, 'appears twice in the archive');
        written.add(rel);
        const target = path.join(dest, rel);
        await fs.mkdir(path.dirname(target), { recursive: true });
        const out = await fs.open(target, 'wx');
        try {
          for await (const chunk of entry) await out.write(chunk as Buffer);
        } finally {
          await out.close();
        }
        files++;
      }
    })();
    // whichever fails first decides; the other is then torn down with it
    await Promise.all([feeding, reading].map((p) => p.catch((err: unknown) => {
      extract.destroy(err as Error);
      throw err;
    })));
  } catch (err) {
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

async function startsWithGzipMagic(file: string): Promise<boolean> {
  const head = Buffer.alloc(2);
  const handle = await fs.open(file, 'r');
  try {
    await handle.read(head, 0, 2, 0);
  } finally {
    await handle.close();
  }
  return head[0] === 0x1f && head[1] === 0x8b;
}

function paxBytes(pax: Record<string, string>): number {
  let n = 0;
  for (const [k, v] of Object.entries(pax)) n += Buffer.byteLength(k) + Buffer.byteLength(v) + 2;
  return n;
}

/** Passes bytes through until `max` have gone by, then fails with UPLOAD_TOO_LARGE. */
function byteCap(max: number): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback) {
      seen += chunk.length;
      if (seen > max) done(new ArchiveError('UPLOAD_TOO_LARGE', null, `the decompressed archive is larger than ${max} bytes`));
      else done(null, chunk);
    },
  });
}
