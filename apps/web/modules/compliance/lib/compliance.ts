/**
 * Holding a stored evaluation against a product line's targets. Nothing is recomputed: each
 * criterion compares a figure the API served (and its stored 95 % interval) with the target.
 * - miss / overkill: green when the whole interval is within the target, amber when the estimate is
 *   but the interval's upper end is not (too few images to be sure), red when the estimate is above;
 * - size / latency (no interval): green when within, red when above;
 * - a figure that was not measured: "none".
 */
import type { TEvaluation, TRateInterval, TRun, TStoredOperatingPoint, TTarget } from '@defectlab/contracts';
import { defectiveImagesNeeded, zeroMissUpperBound } from '@defectlab/metrics';
import { chosenPoint, latestEvaluation } from '../../runs/lib/run-summary';

export type Verdict = 'green' | 'amber' | 'red' | 'none';

export interface CriterionResult {
  readonly criterion: 'miss' | 'overkill' | 'size' | 'latency';
  readonly verdict: Verdict;
  readonly value: number | null;
  readonly interval: TRateInterval | null;
  readonly target: number;
}

export interface ModelCompliance {
  readonly run: TRun;
  readonly evaluation: TEvaluation;
  readonly point: TStoredOperatingPoint | null;
  readonly criteria: readonly CriterionResult[];
  readonly overall: Verdict;
}

export function rateVerdict(value: number | null, interval: TRateInterval | null, target: number): Verdict {
  if (value === null) return 'none';
  if (value > target) return 'red';
  if (interval && interval.high > target) return 'amber';
  return 'green';
}

export function limitVerdict(value: number | null, target: number): Verdict {
  if (value === null) return 'none';
  return value <= target ? 'green' : 'red';
}

/** Red if any criterion is red, else amber if any is amber or unmeasured, else green. */
export function overallVerdict(vs: readonly Verdict[]): Verdict {
  if (vs.length === 0) return 'none';
  if (vs.includes('red')) return 'red';
  if (vs.includes('amber') || vs.includes('none')) return 'amber';
  return 'green';
}

export function assess(run: TRun, evaluation: TEvaluation, target: TTarget, pointName?: string): ModelCompliance {
  const point = chosenPoint(evaluation, pointName);
  const criteria: CriterionResult[] = [
    { criterion: 'miss', value: point?.missRate ?? null, interval: point?.missRateInterval ?? null, target: target.maxMissRate, verdict: rateVerdict(point?.missRate ?? null, point?.missRateInterval ?? null, target.maxMissRate) },
    {
      criterion: 'overkill',
      value: point?.overkillRate ?? null,
      interval: point?.overkillRateInterval ?? null,
      target: target.maxOverkillRate,
      verdict: rateVerdict(point?.overkillRate ?? null, point?.overkillRateInterval ?? null, target.maxOverkillRate),
    },
    { criterion: 'size', value: evaluation.sizeBytes, interval: null, target: target.maxSizeBytes, verdict: limitVerdict(evaluation.sizeBytes, target.maxSizeBytes) },
    { criterion: 'latency', value: evaluation.latency?.p50 ?? null, interval: null, target: target.maxLatencyMs, verdict: limitVerdict(evaluation.latency?.p50 ?? null, target.maxLatencyMs) },
  ];
  return { run, evaluation, point, criteria, overall: overallVerdict(criteria.map((c) => c.verdict)) };
}

const RANK: Record<Verdict, number> = { green: 3, amber: 2, none: 1, red: 0 };

/**
 * Per model family, the run whose latest evaluation holds best against the target: most green
 * criteria, then fewest red, then the lower overkill at the chosen point.
 */
export function bestPerFamily(runs: readonly TRun[], evals: ReadonlyMap<string, readonly TEvaluation[]>, target: TTarget): ModelCompliance[] {
  const best = new Map<string, ModelCompliance>();
  const score = (m: ModelCompliance) => m.criteria.reduce((s, c) => s + RANK[c.verdict], 0);
  for (const run of runs) {
    const e = latestEvaluation(evals.get(run.id) ?? []);
    if (!e) continue;
    const m = assess(run, e, target);
    const prev = best.get(run.kind);
    if (
      !prev ||
      score(m) > score(prev) ||
      (score(m) === score(prev) && (m.point?.overkillRate ?? Infinity) < (prev.point?.overkillRate ?? Infinity))
    ) {
      best.set(run.kind, m);
    }
  }
  return [...best.values()].sort((a, b) => a.run.kind.localeCompare(b.run.kind));
}

const OVERALL_RANK: Record<Verdict, number> = { green: 3, amber: 2, none: 1, red: 0 };

/** The product line's best model: best overall verdict, then most green criteria, then the lower miss rate. */
export function bestOverall(models: readonly ModelCompliance[]): ModelCompliance | null {
  const greens = (m: ModelCompliance) => m.criteria.filter((c) => c.verdict === 'green').length;
  return (
    [...models].sort(
      (a, b) =>
        OVERALL_RANK[b.overall] - OVERALL_RANK[a.overall] ||
        greens(b) - greens(a) ||
        (a.point?.missRate ?? Infinity) - (b.point?.missRate ?? Infinity) ||
        a.run.kind.localeCompare(b.run.kind),
    )[0] ?? null
  );
}

/**
 * Whether a test set is large enough to show a miss-rate target at 95 % confidence: with `defective` test
 * images and no miss at all, the two-sided Clopper-Pearson upper bound (the interval shown) must reach the
 * target. `needed` is the least number of defective images that can show it (two-sided; `neededOneSided`
 * for a one-sided 95 % bound).
 */
export function missEvidence(defective: number, maxMissRate: number): { canShow: boolean; bestUpper: number; needed: number; neededOneSided: number } {
  const bestUpper = zeroMissUpperBound(defective);
  return {
    canShow: bestUpper <= maxMissRate,
    bestUpper,
    needed: defectiveImagesNeeded(maxMissRate),
    neededOneSided: defectiveImagesNeeded(maxMissRate, { sides: 'one-sided' }),
  };
}

/**
 * The miss rate of each model family over dataset versions: per family and version, the latest evaluation on
 * that version (of any run of the family) at its chosen operating point. Points are [version number, miss rate].
 */
export function missHistory(runs: readonly TRun[], evals: ReadonlyMap<string, readonly TEvaluation[]>): { kind: string; points: [number, number][] }[] {
  const latest = new Map<string, Map<number, TEvaluation>>();
  for (const run of runs) {
    for (const e of evals.get(run.id) ?? []) {
      if (e.status !== 'succeeded') continue;
      const byVersion = latest.get(run.kind) ?? new Map<number, TEvaluation>();
      const prev = byVersion.get(e.datasetVersion.number);
      if (!prev || e.createdAt > prev.createdAt) byVersion.set(e.datasetVersion.number, e);
      latest.set(run.kind, byVersion);
    }
  }
  return [...latest.entries()]
    .sort((a, b) => a[0].localeCompare(b[0]))
    .map(([kind, byVersion]) => ({
      kind,
      points: [...byVersion.entries()]
        .sort((a, b) => a[0] - b[0])
        .flatMap(([v, e]): [number, number][] => {
          const miss = chosenPoint(e)?.missRate;
          return miss === null || miss === undefined ? [] : [[v, miss]];
        }),
    }));
}
