import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { DatasetError, decodeImage, readMvtecFolder } from '@defectlab/datasets';
import { AppError, type AppErrorCode } from '../../errors/app-error';
import { assertPixelLimit, declaredDimensions, DEFAULT_IMAGE_MAX_PIXELS } from './image-dimensions';

/** What the store and the database need to know about one file, all checked by decoding it. */
export interface FileFacts {
  /** Absolute path on the server. */
  readonly file: string;
  /** Path relative to the dataset root, with forward slashes. */
  readonly relPath: string;
  readonly sha256: string;
  readonly bytes: number;
  readonly format: ImageFormat;
  readonly width: number;
  readonly height: number;
}

export interface ManifestEntry {
  readonly image: FileFacts;
  readonly split: 'train' | 'test';
  readonly value: 'good' | 'defective';
  /** null for good images. */
  readonly defectType: string | null;
  readonly mask: FileFacts | null;
}

export interface Manifest {
  readonly entries: readonly ManifestEntry[];
  /** sha256 over every entry's relPath, content, split, label and mask: equal manifests import the same dataset. */
  readonly fingerprint: string;
}

export type ImageFormat = 'png' | 'jpeg' | 'tiff' | 'bmp';

/** The image format from the first bytes (the file extension is not trusted). */
export function sniffFormat(buf: Uint8Array): ImageFormat | null {
  if (buf.length >= 8 && buf[0] === 0x89 && buf[1] === 0x50 && buf[2] === 0x4e && buf[3] === 0x47) return 'png';
  if (buf.length >= 3 && buf[0] === 0xff && buf[1] === 0xd8 && buf[2] === 0xff) return 'jpeg';
  if (buf.length >= 4 && ((buf[0] === 0x49 && buf[1] === 0x49 && buf[2] === 0x2a && buf[3] === 0) || (buf[0] === 0x4d && buf[1] === 0x4d && buf[2] === 0 && buf[3] === 0x2a))) return 'tiff';
  if (buf.length >= 2 && buf[0] === 0x42 && buf[1] === 0x4d) return 'bmp';
  return null;
}

const DATASET_ERROR_CODES: Record<DatasetError['code'], AppErrorCode> = {
  'unreadable-image': 'INVALID_IMAGE',
  'unsupported-format': 'INVALID_IMAGE',
  'mask-size-mismatch': 'MASK_SIZE_MISMATCH',
  'empty-class-folder': 'INVALID_DATASET_LAYOUT',
  'bad-layout': 'INVALID_DATASET_LAYOUT',
  'path-escape': 'PATH_NOT_ALLOWED',
  'bad-argument': 'INVALID_DATASET_LAYOUT',
};

/** A DatasetError as a 4xx naming the file relative to the dataset root (server paths stay out of the answer). */
export function datasetErrorToAppError(err: DatasetError, root: string): AppError {
  const rel = (p: string) => {
    const r = path.relative(root, p);
    return r === '' ? '.' : r.startsWith('..') || path.isAbsolute(r) ? p : r.split(path.sep).join('/');
  };
  const file = rel(err.file);
  const detail = err.message.startsWith(`${err.file}: `) ? err.message.slice(err.file.length + 2) : err.message;
  const relDetail = detail.split(root + path.sep).join('');
  return new AppError(DATASET_ERROR_CODES[err.code], `${file}: ${relDetail}`, [{ path: file, message: relDetail }]);
}

/**
 * Lists an MVTec-layout folder with libs/datasets' reader and checks every image and mask by decoding it
 * (sharp; BMP by our own decoder): corrupt or truncated files, non-images with image names and masks whose
 * size differs from their image are refused, naming the file. Images whose header declares more than
 * `maxImagePixels` pixels are refused before they are decoded (IMAGE_TOO_LARGE). Nothing is written.
 */
export async function validateMvtecFolder(
  root: string,
  onFile: (done: number, total: number) => void,
  options: { concurrency?: number; maxImagePixels?: number } = {},
): Promise<Manifest> {
  const concurrency = options.concurrency ?? 4;
  const maxPixels = options.maxImagePixels ?? DEFAULT_IMAGE_MAX_PIXELS;
  let records;
  try {
    records = await readMvtecFolder(root);
  } catch (err) {
    if (err instanceof DatasetError) throw datasetErrorToAppError(err, root);
    throw err;
  }
  const entries: ManifestEntry[] = new Array(records.length);
  let next = 0;
  let done = 0;
  let failed = false;
  onFile(0, records.length);
  const worker = async () => {
    for (let i = next++; i < records.length && !failed; i = next++) {
      const r = records[i];
      try {
        const image = await inspect(r.path, r.relPath, maxPixels);
        const mask = r.maskPath ? await inspect(r.maskPath, relative(root, r.maskPath), maxPixels) : null;
        if (mask && (mask.width !== image.width || mask.height !== image.height)) {
          throw new AppError(
            'MASK_SIZE_MISMATCH',
            `${mask.relPath}: mask is ${mask.width}x${mask.height} but its image ${image.relPath} is ${image.width}x${image.height}`,
            [{ path: mask.relPath, message: `mask is ${mask.width}x${mask.height}, image is ${image.width}x${image.height}` }],
          );
        }
        entries[i] = { image, split: r.split, value: r.label, defectType: r.label === 'good' ? null : r.defectType, mask };
      } catch (err) {
        failed = true;
        if (err instanceof DatasetError) throw datasetErrorToAppError(err, root);
        throw err;
      }
      onFile(++done, records.length);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, records.length) }, worker));
  return { entries, fingerprint: fingerprintOf(entries) };
}

function relative(root: string, file: string): string {
  return path.relative(root, file).split(path.sep).join('/');
}

async function inspect(file: string, relPath: string, maxPixels: number): Promise<FileFacts> {
  let buf: Buffer;
  try {
    buf = await fs.readFile(file);
  } catch (err) {
    throw new AppError('INVALID_IMAGE', `${relPath}: cannot read the file (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, [
      { path: relPath, message: 'unreadable' },
    ]);
  }
  const format = sniffFormat(buf);
  if (!format) {
    throw new AppError('INVALID_IMAGE', `${relPath}: not a PNG, JPEG, TIFF or BMP image`, [{ path: relPath, message: 'not an image' }]);
  }
  assertPixelLimit(await declaredDimensions(buf, format), relPath, maxPixels); // before any pixel is decoded
  const decoded = await decodeImage(buf, relPath); // throws DatasetError naming relPath
  return {
    file,
    relPath,
    sha256: createHash('sha256').update(buf).digest('hex'),
    bytes: buf.length,
    format,
    width: decoded.width,
    height: decoded.height,
  };
}

function fingerprintOf(entries: readonly ManifestEntry[]): string {
  const hash = createHash('sha256');
  for (const e of [...entries].sort((a, b) => (a.image.relPath < b.image.relPath ? -1 : 1))) {
    hash.update([e.image.relPath, e.image.sha256, e.split, e.value, e.defectType ?? '', e.mask?.sha256 ?? ''].join('\t') + '\n');
  }
  return hash.digest('hex');
}
