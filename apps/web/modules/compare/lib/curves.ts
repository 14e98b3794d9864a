/**
 * Operating curves of one evaluation from its stored test scores, with libs/metrics (the same
 * sweep the API's operating points come from): miss vs overkill at every achievable threshold,
 * and the ROC curve. Computed once per evaluation, not per interaction.
 */
import { rocCurve, thresholdSweep } from '@defectlab/metrics';
import type { TPredictionRow } from '@defectlab/contracts';

export interface Curves {
  /** [overkill, miss] at every candidate threshold. */
  readonly missVsOverkill: [number, number][];
  /** [false positive rate, true positive rate]. */
  readonly roc: [number, number][];
}

export function curvesOf(predictions: readonly TPredictionRow[]): Curves | null {
  const scores = predictions.map((p) => p.score);
  const labels = predictions.map((p) => (p.label === 'defective' ? 1 : 0));
  const sweep = thresholdSweep(scores, labels);
  if (sweep.nGood === 0 || sweep.nDefective === 0) return null;
  const missVsOverkill: [number, number][] = [];
  for (let i = 0; i < sweep.thresholds.length; i++) {
    missVsOverkill.push([sweep.fp[i] / sweep.nGood, (sweep.nDefective - sweep.tp[i]) / sweep.nDefective]);
  }
  const roc = rocCurve(scores, labels);
  return { missVsOverkill, roc: roc ? Array.from(roc.fpr, (x, i) => [x, roc.tpr[i]] as [number, number]) : [] };
}
