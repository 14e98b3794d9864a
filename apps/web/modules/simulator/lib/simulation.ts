/**
 * The simulator's in-memory model of one evaluation's test predictions. Every figure shown while the
 * threshold moves comes from libs/metrics (`confusionFromSorted` on class-sorted scores: two binary
 * searches per move), so the page shows exactly libs/metrics' values and sends no request per move.
 */
import { confusionFromSorted, firstAtOrAbove, scoreHistogram, sortScoresByClass, type ConfusionMetrics, type ScoreHistogram, type SortedScores } from '@defectlab/metrics';
import type { TPredictionRow } from '@defectlab/contracts';

export interface Simulation {
  /** Predictions sorted by score, ascending (ties keep the API's order). */
  readonly rows: readonly TPredictionRow[];
  /** `rows[i].score`, shape [n], ascending. */
  readonly scores: Float64Array;
  readonly sorted: SortedScores;
  readonly histogram: ScoreHistogram;
  /** Distinct scores ascending: the thresholds the keyboard steps through (each is an achievable cut). */
  readonly steps: Float64Array;
  readonly defectTypes: readonly string[];
}

export const HISTOGRAM_BINS = 40;

/**
 * Sorts the predictions and builds the histogram and the keyboard steps.
 * @throws Error naming the image (relative path and id) when a score is not a finite number: a NaN
 *   would sort anywhere and vanish from every figure, so the simulator refuses it instead.
 */
export function buildSimulation(predictions: readonly TPredictionRow[], bins = HISTOGRAM_BINS): Simulation {
  const bad = predictions.find((r) => typeof r.score !== 'number' || !Number.isFinite(r.score));
  if (bad) {
    throw new Error(`image ${bad.relPath} (${bad.imageId}) has score ${String(bad.score)}; the simulator needs a finite score for every image`);
  }
  const rows = [...predictions].sort((a, b) => a.score - b.score);
  const scores = Float64Array.from(rows, (r) => r.score);
  const labels = Uint8Array.from(rows, (r) => (r.label === 'defective' ? 1 : 0));
  const sorted = sortScoresByClass(scores, labels);
  const histogram = rows.length > 0 ? scoreHistogram(scores, labels, { bins }) : scoreHistogram(scores, labels, { bins, min: 0, max: 1 });
  const steps: number[] = [];
  for (let i = 0; i < scores.length; i++) if (i === 0 || scores[i] !== scores[i - 1]) steps.push(scores[i]);
  const defectTypes = [...new Set(rows.map((r) => r.defectType).filter((t): t is string => !!t))].sort();
  return { rows, scores, sorted, histogram, steps: Float64Array.from(steps), defectTypes };
}

/** libs/metrics' confusion figures at `threshold` (flagged defective when score >= threshold). */
export function figuresAt(sim: Simulation, threshold: number): ConfusionMetrics {
  return confusionFromSorted(sim.sorted, threshold);
}

/** True when the image is called defective at `threshold`. */
export function isFlagged(score: number, threshold: number): boolean {
  return score >= threshold;
}

/**
 * Images whose verdict differs between thresholds `a` and `b`: exactly those with a score in
 * [min(a, b), max(a, b)). O(log n + k).
 */
export function flipsBetween(sim: Simulation, a: number, b: number): readonly TPredictionRow[] {
  if (a === b) return [];
  const lo = Math.min(a, b);
  const hi = Math.max(a, b);
  return sim.rows.slice(firstAtOrAbove(sim.scores, lo), firstAtOrAbove(sim.scores, hi));
}

/** The next achievable threshold above (`direction` 1) or below (-1) `t`, `count` steps away; +Infinity past the top. */
export function stepThreshold(sim: Simulation, t: number, direction: 1 | -1, count = 1): number {
  const s = sim.steps;
  if (s.length === 0) return t;
  // candidates: s[0] .. s[last], then +Infinity ("flag nothing")
  let idx: number;
  if (t === Infinity) idx = s.length;
  else {
    const lb = firstAtOrAbove(s, t);
    // t itself a candidate: start there; else t sits between s[lb-1] and s[lb]
    idx = lb < s.length && s[lb] === t ? lb : direction === 1 ? lb - 1 : lb;
  }
  const next = Math.min(s.length, Math.max(0, idx + direction * count));
  return next === s.length ? Infinity : s[next];
}

export type GridFilter = 'all' | 'fn' | 'fp' | 'wrong' | `type:${string}`;

/** The images a grid filter keeps at `threshold` (FN: defective passed; FP: good flagged). */
export function filterRows(sim: Simulation, filter: GridFilter, threshold: number): readonly TPredictionRow[] {
  switch (filter) {
    case 'all':
      return sim.rows;
    case 'fn':
      return sim.rows.filter((r) => r.label === 'defective' && !isFlagged(r.score, threshold));
    case 'fp':
      return sim.rows.filter((r) => r.label === 'good' && isFlagged(r.score, threshold));
    case 'wrong':
      return sim.rows.filter((r) => (r.label === 'defective') !== isFlagged(r.score, threshold));
    default: {
      const type = filter.slice('type:'.length);
      return sim.rows.filter((r) => (type === 'good' ? r.label === 'good' : r.defectType === type));
    }
  }
}
