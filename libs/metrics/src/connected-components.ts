/**
 * Connected components of a binary mask with 8-connectivity (pixels touching by an edge or a
 * corner belong to the same region), as used by MVTec AD's PRO evaluation.
 */
import { assertBinaryLabels, assertFiniteValues, assertInteger, MetricsInputError, NumericArray } from './validate';

/** A single-channel map in row-major order: data has shape [height * width]. */
export interface PixelMap {
  readonly data: NumericArray;
  readonly width: number;
  readonly height: number;
}

export interface ComponentLabels {
  /** shape [height * width]: 0 = background, 1..count = region id */
  readonly labels: Int32Array;
  readonly count: number;
  /** shape [count + 1]: sizes[r] = pixels in region r (sizes[0] is unused, 0) */
  readonly sizes: Int32Array;
}

/** Throws unless `map.data.length === width * height` with non-negative integer dims. */
export function assertPixelMap(map: PixelMap, name: string): void {
  assertInteger(map.width, 0, 1 << 30, `${name}.width`);
  assertInteger(map.height, 0, 1 << 30, `${name}.height`);
  if (map.data.length !== map.width * map.height) {
    throw new MetricsInputError(
      'length-mismatch',
      `${name}.data has ${map.data.length} elements but width*height is ${map.width}x${map.height} = ${map.width * map.height}`,
    );
  }
}

/**
 * Throws unless image `i`'s anomaly map and ground-truth mask are valid pixel maps of the same size
 * and the map's scores are finite (the mask's 0/1 values are checked when it is labelled).
 */
export function assertMapAndMask(anomalyMap: PixelMap, gtMask: PixelMap, i: number): void {
  assertPixelMap(anomalyMap, `anomalyMaps[${i}]`);
  assertPixelMap(gtMask, `gtMasks[${i}]`);
  if (anomalyMap.width !== gtMask.width || anomalyMap.height !== gtMask.height) {
    throw new MetricsInputError(
      'length-mismatch',
      `anomalyMaps[${i}] is ${anomalyMap.width}x${anomalyMap.height} but gtMasks[${i}] is ${gtMask.width}x${gtMask.height}`,
    );
  }
  assertFiniteValues(anomalyMap.data, `anomalyMaps[${i}].data`);
}

/**
 * Labels the 8-connected regions of pixels equal to 1 (breadth-first flood fill, O(H*W)).
 * @param mask - data shape [H*W], values 0/1
 */
export function labelConnectedComponents(mask: PixelMap): ComponentLabels {
  assertPixelMap(mask, 'mask');
  assertBinaryLabels(mask.data, 'mask.data');
  const { width, height, data } = mask;
  const labels = new Int32Array(width * height);
  const queue = new Int32Array(width * height);
  const sizes: number[] = [0];
  let count = 0;
  for (let start = 0; start < data.length; start++) {
    if (data[start] !== 1 || labels[start] !== 0) continue;
    count++;
    labels[start] = count;
    let head = 0;
    let tail = 0;
    queue[tail++] = start;
    while (head < tail) {
      const p = queue[head++];
      const y = (p / width) | 0;
      const x = p - y * width;
      for (let dy = -1; dy <= 1; dy++) {
        const ny = y + dy;
        if (ny < 0 || ny >= height) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const nx = x + dx;
          if (nx < 0 || nx >= width) continue;
          const q = ny * width + nx;
          if (data[q] === 1 && labels[q] === 0) {
            labels[q] = count;
            queue[tail++] = q;
          }
        }
      }
    }
    sizes.push(tail);
  }
  return { labels, count, sizes: Int32Array.from(sizes) };
}
