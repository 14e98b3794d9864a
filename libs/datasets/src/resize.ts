import sharp from 'sharp';
import type { BinaryMask, DecodedImage } from '@defectlab/ml-core';
import { DatasetError } from './errors';

// One module-level binding of Math: under jest every lookup of a global such as `Math` goes through the
// vm context's interceptor and made the per-pixel loops here 10-20x slower; plain Node is unaffected.
const math = Math;

/** `stretch` scales each axis independently; `letterbox` keeps the aspect ratio and pads with `fill`. */
export type ResizeMode = 'stretch' | 'letterbox';

export interface ResizeOptions {
  readonly width: number;
  readonly height: number;
  readonly mode?: ResizeMode;
  /** Padding gray level for letterbox, 0-255 (default 0). */
  readonly fill?: number;
}

/** Where the scaled source lands inside the output canvas. */
export interface ResizeGeometry {
  /** Size of the scaled source content. */
  readonly contentWidth: number;
  readonly contentHeight: number;
  /** Top-left corner of the content inside the output. */
  readonly offsetX: number;
  readonly offsetY: number;
}

/**
 * Computes where a srcW x srcH image lands in a width x height output for the given mode.
 * Pure; shared by image and mask resizing so both stay pixel-aligned.
 */
export function resizeGeometry(srcW: number, srcH: number, opts: ResizeOptions): ResizeGeometry {
  checkSize(opts);
  if ((opts.mode ?? 'stretch') === 'stretch') {
    return { contentWidth: opts.width, contentHeight: opts.height, offsetX: 0, offsetY: 0 };
  }
  const scale = math.min(opts.width / srcW, opts.height / srcH);
  const contentWidth = math.max(1, math.min(opts.width, math.round(srcW * scale)));
  const contentHeight = math.max(1, math.min(opts.height, math.round(srcH * scale)));
  return {
    contentWidth,
    contentHeight,
    offsetX: math.floor((opts.width - contentWidth) / 2),
    offsetY: math.floor((opts.height - contentHeight) / 2),
  };
}

/**
 * Resizes an image with sharp (Lanczos-3 kernel; area-correct when shrinking).
 * @param img HWC RGB uint8, any size.
 * @returns HWC RGB uint8 of exactly opts.width x opts.height.
 */
export async function resizeImage(img: DecodedImage, opts: ResizeOptions): Promise<DecodedImage> {
  const g = resizeGeometry(img.width, img.height, opts);
  let content: Uint8Array;
  if (g.contentWidth === img.width && g.contentHeight === img.height) {
    content = img.data;
  } else {
    const out = await sharp(img.data, { raw: { width: img.width, height: img.height, channels: 3 } })
      .resize(g.contentWidth, g.contentHeight, { fit: 'fill' })
      .raw()
      .toBuffer();
    content = new Uint8Array(out.buffer, out.byteOffset, out.length);
  }
  if (g.contentWidth === opts.width && g.contentHeight === opts.height) {
    return { data: content, width: opts.width, height: opts.height };
  }
  const data = new Uint8Array(opts.width * opts.height * 3).fill(opts.fill ?? 0);
  for (let y = 0; y < g.contentHeight; y++) {
    const dst = ((y + g.offsetY) * opts.width + g.offsetX) * 3;
    data.set(content.subarray(y * g.contentWidth * 3, (y + 1) * g.contentWidth * 3), dst);
  }
  return { data, width: opts.width, height: opts.height };
}

/**
 * Resizes a binary mask with nearest-neighbour sampling, aligned with `resizeImage` of the same options.
 * Letterbox padding is 0 (normal).
 * @returns mask of exactly opts.width x opts.height, values 0/1.
 */
export function resizeMask(mask: BinaryMask, opts: ResizeOptions): BinaryMask {
  const g = resizeGeometry(mask.width, mask.height, opts);
  const data = new Uint8Array(opts.width * opts.height);
  for (let y = 0; y < g.contentHeight; y++) {
    const sy = math.min(mask.height - 1, math.floor(((y + 0.5) * mask.height) / g.contentHeight));
    for (let x = 0; x < g.contentWidth; x++) {
      const sx = math.min(mask.width - 1, math.floor(((x + 0.5) * mask.width) / g.contentWidth));
      data[(y + g.offsetY) * opts.width + x + g.offsetX] = mask.data[sy * mask.width + sx];
    }
  }
  return { data, width: opts.width, height: opts.height };
}

function checkSize(opts: ResizeOptions): void {
  if (!Number.isInteger(opts.width) || !Number.isInteger(opts.height) || opts.width < 1 || opts.height < 1) {
    throw new DatasetError('bad-argument', 'resize', `target size must be positive integers, got ${opts.width}x${opts.height}`);
  }
}
