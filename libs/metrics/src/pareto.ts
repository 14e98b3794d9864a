/**
 * The Pareto front of a set of runs on two costs to minimise (size or latency against overkill): the runs
 * no other run beats on one cost without losing on the other.
 */
import { MetricsInputError } from './validate';

export interface CostPoint {
  readonly x: number;
  readonly y: number;
}

/** True when `a` dominates `b`: no worse on both costs and strictly better on at least one. */
export function dominates(a: CostPoint, b: CostPoint): boolean {
  return a.x <= b.x && a.y <= b.y && (a.x < b.x || a.y < b.y);
}

/**
 * Indices of the non-dominated points, ordered by x ascending (then y ascending). Identical points do not
 * dominate each other: both stay on the front. O(n log n).
 * @throws MetricsInputError on a non-finite coordinate
 */
export function paretoFront(points: readonly CostPoint[]): number[] {
  points.forEach((p, i) => {
    if (!Number.isFinite(p.x) || !Number.isFinite(p.y)) throw new MetricsInputError('non-finite-value', `point ${i} has a non-finite cost (${p.x}, ${p.y})`);
  });
  const order = points.map((_, i) => i).sort((a, b) => points[a].x - points[b].x || points[a].y - points[b].y);
  const front: number[] = [];
  // lowest y among the points before this one in the order, and the smallest x reaching it
  let bestY = Infinity;
  let bestX = Infinity;
  for (const i of order) {
    const { x, y } = points[i];
    const dominated = bestY < y || (bestY === y && bestX < x);
    if (!dominated) front.push(i);
    if (y < bestY) {
      bestY = y;
      bestX = x;
    }
  }
  return front;
}
