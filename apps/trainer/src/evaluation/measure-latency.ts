import type { TLatency } from '@defectlab/contracts';
import type { AnomalyModel, DecodedImage } from '@defectlab/ml-core';
import { latencySummary } from '@defectlab/metrics';

/** What one timed call covers. */
export const LATENCY_SCOPE =
  'one model.score() call on one decoded image already at the input size: normalisation, backbone, head, image score and full-resolution anomaly map (file decoding and resizing excluded)';

/**
 * Per-image latency at batch 1: `warmup` untimed calls, then `runs` timed calls cycling over `images`.
 * @param images at least one image at the run's input size
 */
export async function measureLatency(model: AnomalyModel, images: readonly DecodedImage[], runs = 20, warmup = 3): Promise<TLatency> {
  if (images.length === 0) throw new RangeError('measureLatency needs at least one image');
  if (runs < 1) throw new RangeError('measureLatency needs runs >= 1');
  for (let i = 0; i < warmup; i++) await model.score([images[i % images.length]]);
  const timings = new Float64Array(runs);
  for (let i = 0; i < runs; i++) {
    const img = images[i % images.length];
    const t0 = process.hrtime.bigint();
    await model.score([img]);
    timings[i] = Number(process.hrtime.bigint() - t0) / 1e6;
  }
  const s = latencySummary(timings);
  if (!s) throw new Error('no latency timings');
  return { p50: s.p50, p95: s.p95, mean: s.mean, n: s.n, warmup, batchSize: 1, includesBackbone: true, scope: LATENCY_SCOPE };
}
