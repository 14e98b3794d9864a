import { AuproAccumulator } from './pro-binned';
import { pixelAuroc } from './pixel-auroc';

/** One test image's anomaly map and mask at the model input size (mask all 0 for good images). */
export interface PixelPair {
  /** shape [H*W] */
  readonly map: Float32Array;
  /** shape [H*W], 0 = normal, 1 = defective */
  readonly mask: Uint8Array;
  readonly width: number;
  readonly height: number;
}

export interface PixelMetrics {
  readonly pixelAuroc: number | null;
  readonly pixelAurocMethod: 'exact' | 'binned' | null;
  readonly pro: number | null;
}

/**
 * Pixel AUROC (exact up to 4 M pixels, binned above; libs/metrics) and AUPRO up to `fprLimit` (binned
 * over 65536 bins spanning the maps' range, streaming; its error bound is tiny at this resolution).
 * @returns nulls when no pair has a defective pixel
 */
export function pixelMetrics(pairs: readonly PixelPair[], fprLimit = 0.3): PixelMetrics {
  if (!pairs.some((p) => p.mask.some((v) => v === 1))) return { pixelAuroc: null, pixelAurocMethod: null, pro: null };
  const auc = pixelAuroc(
    pairs.map((p) => p.map),
    pairs.map((p) => p.mask),
  );
  let min = Infinity;
  let max = -Infinity;
  for (const p of pairs) {
    for (let i = 0; i < p.map.length; i++) {
      const v = p.map[i];
      if (v < min) min = v;
      if (v > max) max = v;
    }
  }
  const acc = new AuproAccumulator({ min, max });
  for (const p of pairs) acc.add({ data: p.map, width: p.width, height: p.height }, { data: p.mask, width: p.width, height: p.height });
  const pro = acc.result(fprLimit);
  return { pixelAuroc: auc?.auroc ?? null, pixelAurocMethod: auc?.method ?? null, pro: pro?.aupro ?? null };
}
