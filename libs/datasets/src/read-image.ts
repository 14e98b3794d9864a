import { promises as fs } from 'node:fs';
import sharp from 'sharp';
import type { BinaryMask, DecodedImage } from '@defectlab/ml-core';
import { decodeBmp } from './bmp';
import { DatasetError } from './errors';

/** Formats accepted by `readImage` (as detected from content, not from the file extension). */
export const SUPPORTED_FORMATS = ['jpeg', 'png', 'tiff', 'bmp'] as const;

/**
 * Reads and decodes an image file (JPEG, PNG, TIFF or BMP; any bit depth is reduced to 8 bits).
 * Grayscale is expanded to RGB and alpha is dropped, so the result is always 3-channel.
 * @returns HWC RGB uint8 image.
 * @throws DatasetError naming the file when it is missing, corrupt, truncated or in another format.
 */
export async function readImage(file: string): Promise<DecodedImage> {
  let buf: Buffer;
  try {
    buf = await fs.readFile(file);
  } catch (e) {
    throw new DatasetError('unreadable-image', file, `cannot read file (${(e as Error).message})`);
  }
  return decodeImage(buf, file);
}

/**
 * Decodes encoded image bytes; `name` is used in error messages.
 * @returns HWC RGB uint8 image.
 */
export async function decodeImage(buf: Uint8Array, name: string): Promise<DecodedImage> {
  if (buf.length >= 2 && buf[0] === 0x42 && buf[1] === 0x4d) {
    try {
      return decodeBmp(buf);
    } catch (e) {
      throw new DatasetError('unreadable-image', name, `corrupt or unsupported BMP: ${(e as Error).message}`);
    }
  }
  let format: string | undefined;
  try {
    format = (await sharp(buf).metadata()).format;
  } catch (e) {
    throw new DatasetError(
      'unsupported-format',
      name,
      `not a supported image (${SUPPORTED_FORMATS.join(', ')}): ${(e as Error).message}`,
    );
  }
  if (!format || !(SUPPORTED_FORMATS as readonly string[]).includes(format === 'jpg' ? 'jpeg' : format)) {
    throw new DatasetError('unsupported-format', name, `format "${format}" is not one of ${SUPPORTED_FORMATS.join(', ')}`);
  }
  try {
    const { data, info } = await sharp(buf, { failOn: 'truncated' })
      .removeAlpha()
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    return { data: toRgb(new Uint8Array(data.buffer, data.byteOffset, data.length), info.channels), width: info.width, height: info.height };
  } catch (e) {
    throw new DatasetError('unreadable-image', name, `corrupt or truncated ${format} image: ${(e as Error).message}`);
  }
}

/**
 * Reads a mask image and binarises it: a pixel is defective (1) where its gray value is > 127.
 * Colour masks are reduced by their first channel after conversion to grayscale.
 * @returns mask of length width*height with values 0/1.
 */
export async function readMask(file: string): Promise<BinaryMask> {
  return binarise(await readImage(file));
}

/** Like {@link readMask}, from the encoded bytes (e.g. a stored mask blob). */
export async function decodeMask(buf: Uint8Array, name: string): Promise<BinaryMask> {
  return binarise(await decodeImage(buf, name));
}

function binarise(img: DecodedImage): BinaryMask {
  const n = img.width * img.height;
  const data = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const o = i * 3;
    const gray = 0.299 * img.data[o] + 0.587 * img.data[o + 1] + 0.114 * img.data[o + 2];
    data[i] = gray > 127 ? 1 : 0;
  }
  return { data, width: img.width, height: img.height };
}

/** Expands 1- or 2-channel (gray[+alpha]) or 4-channel pixels to packed RGB. */
function toRgb(data: Uint8Array, channels: number): Uint8Array {
  if (channels === 3) return data;
  const n = data.length / channels;
  const out = new Uint8Array(n * 3);
  for (let i = 0; i < n; i++) {
    const s = i * channels;
    const o = i * 3;
    if (channels <= 2) {
      out[o] = out[o + 1] = out[o + 2] = data[s];
    } else {
      out[o] = data[s];
      out[o + 1] = data[s + 1];
      out[o + 2] = data[s + 2];
    }
  }
  return out;
}
