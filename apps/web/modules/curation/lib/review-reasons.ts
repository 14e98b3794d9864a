import type { TReviewItem } from '@defectlab/contracts';
import { plural } from '../../ui/format';

/**
 * Why an image is in the review queue, in plain language: "2 models call it defective, 1 good; score
 * within 3 % of the threshold". The nearest score is given relative to its threshold (the queue ranks by
 * distance in standard deviations, which says little to a curator).
 */
export function describeReasons(r: TReviewItem['reasons']): string {
  const parts: string[] = [];
  if (r.uncertain) parts.push('the label is marked uncertain');
  if (r.recentChange) parts.push('the label changed recently');
  if (r.disagreement) {
    const { defective, good } = r.disagreement;
    parts.push(`${plural(defective, 'model')} ${defective === 1 ? 'calls' : 'call'} it defective, ${good} good`);
  }
  if (r.nearThreshold.length > 0) {
    const nearest = [...r.nearThreshold].sort((a, b) => relative(a) - relative(b))[0];
    const pct = relative(nearest) * 100;
    const at = pct < 0.05;
    const n = pct < 1 ? Number(pct.toPrecision(1)) : Math.round(pct);
    if (r.nearThreshold.length === 1) parts.push(at ? 'score at the threshold' : `score within ${n} % of the threshold`);
    else parts.push(`score near the threshold of ${plural(r.nearThreshold.length, 'model')} (nearest ${at ? 'on it' : `within ${n} % of it`})`);
  }
  return parts.join('; ');
}

/** |score − threshold| as a fraction of |threshold| (of 1 for a zero threshold). */
function relative(n: { score: number; threshold: number }): number {
  return Math.abs(n.score - n.threshold) / (Math.abs(n.threshold) || 1);
}
