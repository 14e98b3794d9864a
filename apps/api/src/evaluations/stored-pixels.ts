/**
 * The test anomaly maps an evaluation stored (8-bit PNGs on one linear scale per run, written by the worker)
 * paired with the masks of a label version, so a re-evaluation under new labels recomputes pixel AUROC and
 * PRO. Deviation from the worker's own figures: the stored maps are quantised to 256 levels, so pixels the
 * float maps ranked apart may tie; the re-evaluation records this in `runtime.recomputed.pixelSource`.
 */
import { decodeImage, decodeMask, resizeMask } from '@defectlab/datasets';
import type { PixelPair } from '@defectlab/metrics';
import type { ArtifactStore } from '../storage/artifact-store';
import type { EvaluationsRepository } from './evaluations.repository';

/** More pixels than this in all maps together are not recomputed (memory: 4 bytes per pixel, twice). */
export const MAX_RECOMPUTED_PIXELS = 64_000_000;

export type StoredPixels = { pairs: PixelPair[] } | { reason: string };

/**
 * The pairs of `test` predictions under `versionId`'s labels: each stored map with the label's mask resized
 * to it (nearest neighbour, as the trainer does; all 0 for a good label or no mask), or why none can be made.
 */
export async function storedPixelPairs(
  repo: EvaluationsRepository,
  store: ArtifactStore,
  versionId: string,
  test: readonly { imageId: string; anomalyMapArtifactId: string | null }[],
): Promise<StoredPixels> {
  if (test.length === 0) return { reason: 'no test predictions' };
  const withoutMap = test.filter((p) => p.anomalyMapArtifactId === null).length;
  if (withoutMap > 0) return { reason: `the source evaluation stored no anomaly map for ${withoutMap} of ${test.length} test images` };
  const labels = await repo.labelsWithMasks(versionId, test.map((p) => p.imageId));
  const labelOf = new Map(labels.map((l) => [l.imageId, l]));
  if (!labels.some((l) => l.value === 'defective' && l.mask)) return { reason: 'no defective test image of this version has a mask' };
  const keyOf = await repo.storageKeysOf(test.map((p) => p.anomalyMapArtifactId as string));
  const pairs: PixelPair[] = [];
  let pixels = 0;
  for (const p of test) {
    const key = keyOf.get(p.anomalyMapArtifactId as string);
    if (!key) return { reason: `anomaly map ${p.anomalyMapArtifactId} is not stored` };
    const grey = await decodeImage(await store.read(key), `anomaly map ${p.anomalyMapArtifactId}`);
    const n = grey.width * grey.height;
    pixels += n;
    if (pixels > MAX_RECOMPUTED_PIXELS) return { reason: `the maps hold more than ${MAX_RECOMPUTED_PIXELS} pixels` };
    const map = new Float32Array(n);
    for (let i = 0; i < n; i++) map[i] = grey.data[i * 3];
    const label = labelOf.get(p.imageId);
    let mask: Uint8Array = new Uint8Array(n);
    if (label?.value === 'defective' && label.mask) {
      const full = await decodeMask(await store.read(label.mask.storageKey), `mask of image ${p.imageId}`);
      mask = resizeMask(full, { width: grey.width, height: grey.height, mode: 'stretch' }).data;
    }
    pairs.push({ map, mask, width: grey.width, height: grey.height });
  }
  return { pairs };
}
