import sharp from 'sharp';
import { DEFAULT_IMAGE_MAX_PIXELS } from '../../config/app-config';
import { AppError } from '../../errors/app-error';
import type { ImageFormat } from './validate-mvtec';

/**
 * The width and height an image declares in its header, read without decoding pixels (sharp's metadata for
 * PNG, JPEG and TIFF; the BITMAPINFOHEADER for BMP). null when the header cannot be read (the decoder that
 * runs afterwards names the problem).
 */
export async function declaredDimensions(buf: Uint8Array, format: ImageFormat): Promise<{ width: number; height: number } | null> {
  if (format === 'bmp') {
    if (buf.length < 26) return null;
    const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    return { width: Math.abs(view.getInt32(18, true)), height: Math.abs(view.getInt32(22, true)) };
  }
  try {
    const meta = await sharp(buf).metadata();
    return meta.width && meta.height ? { width: meta.width, height: meta.height } : null;
  } catch {
    return null;
  }
}

/** Throws IMAGE_TOO_LARGE (413) naming `where` when the header declares more than `maxPixels` pixels. */
export function assertPixelLimit(dims: { width: number; height: number } | null, where: string, maxPixels: number): void {
  if (dims && dims.width * dims.height > maxPixels) {
    throw new AppError('IMAGE_TOO_LARGE', `${where}: the image declares ${dims.width}x${dims.height} pixels, more than the limit of ${maxPixels} (DEFECTLAB_IMAGE_MAX_PIXELS)`, [
      { path: where, message: `${dims.width}x${dims.height} exceeds ${maxPixels} pixels` },
    ]);
  }
}

export { DEFAULT_IMAGE_MAX_PIXELS };
