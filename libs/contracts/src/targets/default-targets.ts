import { ZUpdateTargetInput } from './targets.schema';

/**
 * The targets a new product line starts with (editable on the compliance page; the demo sets them): the
 * study's operating point, miss rate <= 0.5 % at overkill rate <= 30 %, plus size <= 100 MB (10^6 bytes)
 * and <= 50 ms per image (p50 at batch 1). Showing miss <= 0.5 % at 95 % confidence needs hundreds of
 * defective test images (libs/metrics defectiveImagesNeeded: 736 for the two-sided interval shown).
 */
export const DEFAULT_TARGETS = ZUpdateTargetInput.parse({
  maxMissRate: 0.005,
  maxOverkillRate: 0.3,
  maxSizeBytes: 100_000_000,
  maxLatencyMs: 50,
});
