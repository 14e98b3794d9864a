import type { Tensor } from '@defectlab/ml-core';
import { DatasetError } from './errors';
import type { Rng } from './prng';
import { channelsOf, type Raster } from './raster';

/** A crop window in source pixel coordinates. */
export interface CropBox {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/**
 * Copies a window out of an image or mask (same type out as in).
 * @throws DatasetError when the box leaves the raster.
 */
export function cropRaster<T extends Raster>(src: T, box: CropBox): T {
  if (box.x < 0 || box.y < 0 || box.width < 1 || box.height < 1 || box.x + box.width > src.width || box.y + box.height > src.height) {
    throw new DatasetError('bad-argument', 'crop', `box ${JSON.stringify(box)} does not fit ${src.width}x${src.height}`);
  }
  const c = channelsOf(src);
  const data = new Uint8Array(box.width * box.height * c);
  for (let y = 0; y < box.height; y++) {
    const s = ((box.y + y) * src.width + box.x) * c;
    data.set(src.data.subarray(s, s + box.width * c), y * box.width * c);
  }
  return { ...src, data, width: box.width, height: box.height };
}

/** The centred width x height window of a srcW x srcH raster. */
export function centerCropBox(srcW: number, srcH: number, width: number, height: number): CropBox {
  return { x: Math.floor((srcW - width) / 2), y: Math.floor((srcH - height) / 2), width, height };
}

/** A uniformly placed width x height window drawn from `rng`. */
export function randomCropBox(srcW: number, srcH: number, width: number, height: number, rng: Rng): CropBox {
  if (width > srcW || height > srcH) {
    throw new DatasetError('bad-argument', 'random crop', `crop ${width}x${height} is larger than ${srcW}x${srcH}`);
  }
  return { x: rng.int(0, srcW - width), y: rng.int(0, srcH - height), width, height };
}

export interface CropGridOptions {
  readonly cropWidth: number;
  readonly cropHeight: number;
  /** Step between windows (default: half the crop, i.e. 50 % overlap). */
  readonly strideX?: number;
  readonly strideY?: number;
}

/**
 * The regular crop grid: overlapping windows that cover the whole raster. The last window in each row/column
 * is moved flush with the border, so every pixel is covered and no window leaves the image.
 * Used to enlarge the training set and, at test time, to score crops and fuse them with `stitchCropMaps`.
 */
export function regularCropBoxes(srcW: number, srcH: number, opts: CropGridOptions): CropBox[] {
  const xs = axisStarts(srcW, opts.cropWidth, opts.strideX ?? Math.max(1, Math.floor(opts.cropWidth / 2)));
  const ys = axisStarts(srcH, opts.cropHeight, opts.strideY ?? Math.max(1, Math.floor(opts.cropHeight / 2)));
  const boxes: CropBox[] = [];
  for (const y of ys) for (const x of xs) boxes.push({ x, y, width: opts.cropWidth, height: opts.cropHeight });
  return boxes;
}

function axisStarts(size: number, crop: number, stride: number): number[] {
  if (crop > size || crop < 1 || stride < 1) {
    throw new DatasetError('bad-argument', 'crop grid', `crop ${crop} with stride ${stride} does not fit size ${size}`);
  }
  const starts: number[] = [];
  for (let s = 0; s + crop <= size; s += stride) starts.push(s);
  if (starts[starts.length - 1] + crop < size) starts.push(size - crop);
  return starts;
}

/**
 * Fuses per-crop anomaly maps back into one map by averaging where windows overlap.
 * @param maps Tensor [K, 1, h, w] with one map per box (h, w = the box size).
 * @returns Tensor [1, 1, H, W].
 */
export function stitchCropMaps(maps: Tensor, boxes: readonly CropBox[], width: number, height: number): Tensor {
  const [k, , h, w] = maps.dims;
  if (k !== boxes.length) throw new DatasetError('bad-argument', 'stitch', `${k} maps for ${boxes.length} boxes`);
  const sum = new Float32Array(width * height);
  const count = new Float32Array(width * height);
  boxes.forEach((b, i) => {
    if (b.width !== w || b.height !== h) throw new DatasetError('bad-argument', 'stitch', `box ${i} is not ${w}x${h}`);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const o = (b.y + y) * width + b.x + x;
        sum[o] += maps.data[(i * h + y) * w + x];
        count[o] += 1;
      }
    }
  });
  for (let i = 0; i < sum.length; i++) sum[i] = count[i] > 0 ? sum[i] / count[i] : 0;
  return { data: sum, dims: [1, 1, height, width] };
}
