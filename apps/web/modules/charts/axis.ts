/**
 * Scales and rounded ticks for the SVG charts, from d3-scale (a maintained tick algorithm: ticks at
 * 1, 2 or 5 times a power of ten, labels with just the digits they need), instead of hand-divided ranges.
 */
import { scaleLinear, scaleLog, type ScaleContinuousNumeric } from 'd3-scale';

export interface Tick {
  readonly value: number;
  readonly label: string;
}

export interface Axis {
  /** Data value -> pixel. */
  readonly scale: (v: number) => number;
  readonly ticks: readonly Tick[];
  readonly domain: readonly [number, number];
}

export interface AxisOptions {
  /** Extend the domain to round tick values (off for fixed domains such as rates 0-1). */
  readonly nice?: boolean;
  /** Approximate number of ticks. */
  readonly count?: number;
  readonly format?: (v: number) => string;
  readonly log?: boolean;
  /** Whole-number ticks only (steps, counts). */
  readonly integer?: boolean;
}

/** A linear (or log) axis from `domain` to the pixel range `range`, with d3's rounded ticks. */
export function axis(domain: readonly [number, number], range: readonly [number, number], o: AxisOptions = {}): Axis {
  const count = o.count ?? 5;
  let [d0, d1] = domain;
  if (!(d1 - d0 > Math.max(Math.abs(d0), Math.abs(d1)) * 1e-9) || d1 - d0 < 1e-300) {
    // an empty, single-valued or subnormally narrow domain still gets an axis around its value
    const pad = Math.abs(d0) * 0.1 > 1e-300 ? Math.abs(d0) * 0.1 : 1;
    d0 -= pad;
    d1 += pad;
  }
  const s: ScaleContinuousNumeric<number, number> = o.log ? scaleLog().domain([d0, d1]).clamp(true) : scaleLinear().domain([d0, d1]);
  s.range([range[0], range[1]]);
  if (o.nice && !o.log) s.nice(count);
  const format = o.format ?? (o.integer && !o.log ? s.tickFormat(count, ',d') : s.tickFormat(count));
  // a domain wider than the largest double has no tick step: its ends are its ticks
  let values = o.log ? logTicks(s.domain() as [number, number]) : Number.isFinite(d1 - d0) ? s.ticks(count) : [d0, d1];
  if (o.integer) {
    const whole = values.filter(Number.isInteger);
    values = whole.length >= 2 ? whole : [...new Set([Math.ceil(d0), Math.floor(d1)])].filter((v) => v >= d0 && v <= d1);
  }
  return {
    scale: (v: number) => s(v),
    ticks: values.map((value) => ({ value, label: format(value) })),
    domain: s.domain() as [number, number],
  };
}

/** Decades only (0.1 %, 1 %, 10 %...): a log axis's minor ticks would crowd its labels. */
function logTicks([lo, hi]: [number, number]): number[] {
  const out: number[] = [];
  for (let e = Math.ceil(Math.log10(lo) - 1e-9); e <= Math.floor(Math.log10(hi) + 1e-9); e++) out.push(Number(`1e${e}`));
  return out;
}

/** A rate as a percentage with only the digits the tick needs ("0.1 %", "5 %", "100 %"). */
export function percentTick(v: number): string {
  const pct = v * 100;
  return `${Number(pct.toPrecision(3))} %`;
}
