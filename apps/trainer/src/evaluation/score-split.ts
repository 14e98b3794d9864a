import type { TImageInput } from '@defectlab/contracts';
import type { MvtecRecord } from '@defectlab/datasets';
import type { AnomalyModel } from '@defectlab/ml-core';
import { loadInputSample } from '../run/load-images';
import type { Log } from '../run/progress';
import type { PixelPair } from '@defectlab/metrics';

export interface ScoredSplit {
  /** shape [n], in `records` order */
  readonly scores: Float32Array;
  /** shape [n], 0 = good, 1 = defective */
  readonly labels: Uint8Array;
  /** Anomaly map + mask per image when `keepMaps` (good images get an all-zero mask). */
  readonly pixels: PixelPair[];
}

/**
 * Scores records batch by batch at the run's input size (decoding one batch at a time, so memory holds
 * one batch of images plus, when `keepMaps`, one float map per image).
 * @param keepMaps keep maps and masks for pixel metrics (only worth it when some record has a mask)
 */
export async function scoreSplit(
  model: AnomalyModel,
  records: readonly MvtecRecord[],
  input: TImageInput,
  options: {
    keepMaps: boolean;
    batchSize?: number;
    name: string;
    log: Log;
    /** Called with each image's anomaly map, in order (the same pass that scores it). */
    onMap?: (relPath: string, map: Float32Array) => Promise<void>;
    onScored?: (done: number, total: number) => void;
  },
): Promise<ScoredSplit> {
  const n = records.length;
  const scores = new Float32Array(n);
  const labels = Uint8Array.from(records, (r) => (r.label === 'defective' ? 1 : 0));
  const pixels: PixelPair[] = [];
  const batchSize = options.batchSize ?? 8;
  const hw = input.width * input.height;
  let lastLog = Date.now();
  for (let start = 0; start < n; start += batchSize) {
    const batch = await Promise.all(records.slice(start, start + batchSize).map((r) => loadInputSample(r, input)));
    const out = await model.score(batch.map((s) => s.image));
    scores.set(out.imageScores, start);
    if (options.onMap) {
      for (let k = 0; k < batch.length; k++) await options.onMap(batch[k].record.relPath, out.anomalyMaps.data.slice(k * hw, (k + 1) * hw));
    }
    if (options.keepMaps) {
      batch.forEach((s, k) => {
        pixels.push({
          map: out.anomalyMaps.data.slice(k * hw, (k + 1) * hw),
          mask: s.mask ? s.mask.data : new Uint8Array(hw),
          width: input.width,
          height: input.height,
        });
      });
    }
    const done = Math.min(n, start + batchSize);
    options.onScored?.(done, n);
    if (done === n || Date.now() - lastLog > 2000) {
      options.log(`scored ${options.name} ${done}/${n}`);
      lastLog = Date.now();
    }
  }
  return { scores, labels, pixels };
}
