/**
 * The data of the size-vs-overkill and latency-vs-overkill scatters: one point per run (its cost and the
 * overkill at its chosen operating point), the Pareto front (libs/metrics), and the cheapest run that
 * meets the product line's miss and overkill targets.
 */
import { paretoFront } from '@defectlab/metrics';

export interface TradeoffInput {
  /** The run's number in the compare view (1-based). */
  readonly index: number;
  readonly label: string;
  /** Bytes or ms; null when not measured. */
  readonly cost: number | null;
  readonly overkillRate: number | null;
  readonly missRate: number | null;
}

export interface TradeoffPoint extends TradeoffInput {
  readonly cost: number;
  readonly overkillRate: number;
  readonly onFront: boolean;
  /** Meets the miss and overkill targets (null without targets or without a miss rate). */
  readonly meetsRates: boolean | null;
}

export interface Tradeoff {
  readonly points: readonly TradeoffPoint[];
  /** Front points ordered by cost ascending. */
  readonly front: readonly TradeoffPoint[];
  /** Runs that could not be placed (no cost or no overkill). */
  readonly missing: readonly TradeoffInput[];
  /** The lowest-cost run meeting the miss and overkill targets (and the cost limit when given), or null. */
  readonly best: TradeoffPoint | null;
}

export interface RateTargets {
  readonly maxMissRate: number;
  readonly maxOverkillRate: number;
  /** The cost limit of this chart (size or latency), if the product line sets one. */
  readonly maxCost?: number | null;
}

export function tradeoff(inputs: readonly TradeoffInput[], targets: RateTargets | null): Tradeoff {
  const placed = inputs.filter((p): p is TradeoffInput & { cost: number; overkillRate: number } => p.cost !== null && Number.isFinite(p.cost) && p.cost > 0 && p.overkillRate !== null);
  const front = new Set(paretoFront(placed.map((p) => ({ x: p.cost, y: p.overkillRate }))));
  const points: TradeoffPoint[] = placed.map((p, i) => ({
    ...p,
    onFront: front.has(i),
    meetsRates: targets && p.missRate !== null ? p.missRate <= targets.maxMissRate && p.overkillRate <= targets.maxOverkillRate : null,
  }));
  const eligible = points.filter((p) => p.meetsRates === true && (targets?.maxCost == null || p.cost <= targets.maxCost));
  const best = eligible.reduce<TradeoffPoint | null>((b, p) => (b === null || p.cost < b.cost ? p : b), null);
  return {
    points,
    front: points.filter((p) => p.onFront).sort((a, b) => a.cost - b.cost || a.overkillRate - b.overkillRate),
    missing: inputs.filter((p) => !placed.includes(p as never)),
    best,
  };
}
