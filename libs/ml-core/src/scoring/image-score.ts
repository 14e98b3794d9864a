/**
 * Image scores from anomaly maps, selectable per run (mean / std / max / top-k mean): in process with
 * libs/metrics `aggregateMap`, and the same reduction written as ONNX ops for exported graphs, so an
 * exported model scores exactly as the library does.
 */
import { aggregateMap, type AggregateMethod } from '@defectlab/metrics';
import type { OnnxGraphBuilder } from '../onnx';
import type { Tensor } from '../tensor';

export type ScoreMode = 'mean' | 'std' | 'max' | 'topk';

export function aggregateMethod(mode: ScoreMode, topKFraction: number): AggregateMethod {
  return mode === 'topk' ? { topK: { fraction: topKFraction } } : mode;
}

/** Image scores of maps [N, 1, H, W] (float64 accumulation, then float32). */
export function imageScoresOf(maps: Tensor, mode: ScoreMode, topKFraction: number): Float32Array {
  const [n, , h, w] = maps.dims;
  const plane = h * w;
  const method = aggregateMethod(mode, topKFraction);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = aggregateMap(maps.data.subarray(i * plane, (i + 1) * plane), method);
  return out;
}

/** Top-k count for a map of `pixels` values, as libs/metrics `resolveTopK` with a fraction: ceil, at least 1. */
export function topKCount(pixels: number, fraction: number): number {
  return Math.max(1, Math.min(pixels, Math.ceil(fraction * pixels)));
}

/** The image score of `map` [N, 1, H, W] with H * W = `pixels`, as ONNX ops: [N]. */
export function declareImageScore(g: OnnxGraphBuilder, map: string, mode: ScoreMode, topKFraction: number, pixels: number): string {
  const flat = g.reshape(map, [0, -1]);
  switch (mode) {
    case 'mean':
      return g.reduceMean(flat, [1], false);
    case 'max':
      return g.reduceMax(flat, [1], false);
    case 'std': {
      const centred = g.sub(flat, g.reduceMean(flat, [1], true));
      return g.sqrt(g.reduceMean(g.mul(centred, centred), [1], false));
    }
    case 'topk': {
      const [values] = g.topK(flat, topKCount(pixels, topKFraction), 1);
      return g.reduceMean(values, [1], false);
    }
    default: {
      const never: never = mode;
      throw new Error(`unknown score mode ${String(never)}`);
    }
  }
}
