/**
 * Raw anomaly scores of different models are on different scales (a PatchCore distance, a CS-Flow
 * likelihood, a CFA distance), so two models' scores are only comparable relative to each model's own
 * threshold. This says where a score lies against its threshold in words and as a number.
 */
export interface RelativeScore {
  /** score / threshold where both are positive (e.g. 1.25: a quarter above the threshold), else null. */
  readonly ratio: number | null;
  /** score − threshold (positive: flagged defective). */
  readonly margin: number;
  readonly flagged: boolean;
  readonly text: string;
}

export function relativeToThreshold(score: number, threshold: number): RelativeScore {
  const flagged = score >= threshold;
  const margin = score - threshold;
  const ratio = threshold > 0 && score >= 0 && Number.isFinite(threshold) ? score / threshold : null;
  const verdict = flagged ? 'flagged defective' : 'passed as good';
  const text =
    ratio !== null
      ? `${Number(ratio.toPrecision(3))}× its threshold (${verdict})`
      : !Number.isFinite(threshold)
        ? `its threshold flags nothing (${verdict})`
        : `${margin >= 0 ? '+' : '−'}${Number(Math.abs(margin).toPrecision(3))} from its threshold (${verdict})`;
  return { ratio, margin, flagged, text };
}
