/**
 * A sweep grid: option name -> the values to try. Its cartesian product is the list of runs of a run group
 * (one model kind, one dataset version). Every point is checked with the kind's strict config schema before
 * any run starts, so an unknown option or an out-of-range value is refused naming the field.
 */
import { z } from 'zod';
import type { TModelKind } from '../evaluation/model-kind.schema';
import { resolveModelConfig } from '../models/model-config';

/** The most runs one grid may describe at all (the confirmation limit is lower and configurable). */
export const MAX_SWEEP_RUNS = 256;
/** Runs a sweep may start without an explicit confirmation, unless the deployment sets another limit. */
export const DEFAULT_SWEEP_CONFIRM_LIMIT = 12;

export const ZSweepGrid = z
  .record(z.string().min(1).max(100), z.array(z.unknown()).min(1).max(64))
  .refine((g) => Object.keys(g).length > 0, { message: 'the grid needs at least one option' });
export type TSweepGrid = z.infer<typeof ZSweepGrid>;

/** The number of points of a grid: the product of its value counts (1 for an empty grid). */
export function gridSize(grid: Readonly<Record<string, readonly unknown[]>>): number {
  return Object.values(grid).reduce((n, values) => n * values.length, 1);
}

/**
 * The cartesian product of a grid, in a fixed order: the first option varies slowest, each option's values in
 * the order given. An empty grid has one (empty) point; an option with no values gives no points.
 */
export function expandGrid(grid: Readonly<Record<string, readonly unknown[]>>): Record<string, unknown>[] {
  let points: Record<string, unknown>[] = [{}];
  for (const [name, values] of Object.entries(grid)) {
    points = points.flatMap((p) => values.map((v) => ({ ...p, [name]: v })));
  }
  return points;
}

/** One problem of a sweep, its path naming the field (`grid.<option>` or `baseConfig.<field>`). */
export interface SweepIssue {
  readonly path: (string | number)[];
  readonly message: string;
}

/** A grid point's model config: the base config with the point's values over it. */
export function pointConfig(baseConfig: Readonly<Record<string, unknown>>, point: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return { ...baseConfig, ...point };
}

/**
 * Checks every point of a sweep with the kind's strict schema and resolver (cross-field rules included).
 * An issue on an option of the grid is reported as `grid.<option>` (with the offending value), one on a base
 * field as `baseConfig.<field>`; each distinct problem once.
 */
export function sweepIssues(kind: TModelKind, baseConfig: Readonly<Record<string, unknown>>, grid: Readonly<Record<string, readonly unknown[]>>): SweepIssue[] {
  const seen = new Set<string>();
  const issues: SweepIssue[] = [];
  for (const point of expandGrid(grid)) {
    try {
      resolveModelConfig(kind, pointConfig(baseConfig, point), 0);
    } catch (e) {
      if (!(e instanceof z.ZodError)) throw e;
      for (const issue of e.issues) {
        const unknownKey = issue.code === 'unrecognized_keys' ? issue.keys : [];
        const fieldPath = [...issue.path, ...unknownKey.slice(0, 1)].map((k) => (typeof k === 'number' ? k : String(k)));
        const field = String(fieldPath[0] ?? '');
        const inGrid = field in grid;
        const path = [inGrid ? 'grid' : 'baseConfig', ...fieldPath];
        const what = unknownKey.length > 0 ? `unknown ${kind} option "${fieldPath.join('.')}"` : issue.message;
        const message = inGrid && unknownKey.length === 0 ? `${what} (value ${JSON.stringify(point[field])})` : what;
        const key = `${path.join('.')}|${message}`;
        if (!seen.has(key)) {
          seen.add(key);
          issues.push({ path, message });
        }
      }
    }
  }
  return issues;
}
