import type { DecodedImage } from '@defectlab/ml-core';

/**
 * Decodes an uncompressed Windows BMP (sharp/libvips does not read BMP).
 * Supports BITMAPINFOHEADER and later headers, 8-bit palette, 24-bit BGR and 32-bit BGRX (BI_RGB or
 * BI_BITFIELDS with the standard masks), bottom-up or top-down rows.
 * Throws a plain Error with the reason; the caller adds the file name.
 * @returns HWC RGB uint8 image.
 */
export function decodeBmp(buf: Uint8Array): DecodedImage {
  if (buf.length < 54 || buf[0] !== 0x42 || buf[1] !== 0x4d) throw new Error('not a BMP file');
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const dataOffset = view.getUint32(10, true);
  const headerSize = view.getUint32(14, true);
  if (headerSize < 40) throw new Error(`unsupported BMP header size ${headerSize}`);
  const width = view.getInt32(18, true);
  const rawHeight = view.getInt32(22, true);
  const bitCount = view.getUint16(28, true);
  const compression = view.getUint32(30, true);
  const height = Math.abs(rawHeight);
  const topDown = rawHeight < 0;
  if (width <= 0 || height === 0) throw new Error(`invalid BMP size ${width}x${rawHeight}`);
  if (compression !== 0 && !(compression === 3 && bitCount === 32)) {
    throw new Error(`compressed BMP (compression ${compression}) is not supported`);
  }
  if (bitCount !== 8 && bitCount !== 24 && bitCount !== 32) throw new Error(`unsupported BMP bit depth ${bitCount}`);
  const rowBytes = Math.ceil((width * bitCount) / 32) * 4;
  if (dataOffset + rowBytes * height > buf.length) throw new Error('truncated BMP pixel data');
  let palette: Uint8Array | null = null;
  if (bitCount === 8) {
    const colors = view.getUint32(46, true) || 256;
    const start = 14 + headerSize;
    if (start + colors * 4 > dataOffset) throw new Error('truncated BMP palette');
    palette = buf.subarray(start, start + colors * 4);
  }
  const out = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    const srcRow = dataOffset + (topDown ? y : height - 1 - y) * rowBytes;
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 3;
      if (palette) {
        const p = buf[srcRow + x] * 4;
        out[o] = palette[p + 2];
        out[o + 1] = palette[p + 1];
        out[o + 2] = palette[p];
      } else {
        const s = srcRow + x * (bitCount / 8);
        out[o] = buf[s + 2];
        out[o + 1] = buf[s + 1];
        out[o + 2] = buf[s];
      }
    }
  }
  return { data: out, width, height };
}

/**
 * Encodes an image as a 24-bit bottom-up BMP (used by tests and by demo-data export).
 * @param img HWC RGB uint8.
 */
export function encodeBmp(img: DecodedImage): Uint8Array {
  const rowBytes = Math.ceil((img.width * 24) / 32) * 4;
  const size = 54 + rowBytes * img.height;
  const buf = new Uint8Array(size);
  const view = new DataView(buf.buffer);
  buf[0] = 0x42;
  buf[1] = 0x4d;
  view.setUint32(2, size, true);
  view.setUint32(10, 54, true);
  view.setUint32(14, 40, true);
  view.setInt32(18, img.width, true);
  view.setInt32(22, img.height, true);
  view.setUint16(26, 1, true);
  view.setUint16(28, 24, true);
  for (let y = 0; y < img.height; y++) {
    const row = 54 + (img.height - 1 - y) * rowBytes;
    for (let x = 0; x < img.width; x++) {
      const i = (y * img.width + x) * 3;
      buf[row + x * 3] = img.data[i + 2];
      buf[row + x * 3 + 1] = img.data[i + 1];
      buf[row + x * 3 + 2] = img.data[i];
    }
  }
  return buf;
}
