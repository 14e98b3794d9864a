/**
 * A small SVG line chart: d3-scale gives the scales and rounded ticks, d3-shape the paths. Series are
 * drawn with distinct dash patterns (and optional markers), so colour is not the only signal.
 */
import { line } from 'd3-shape';
import { axis, type Tick } from './axis';

export interface Series {
  readonly name: string;
  readonly points: readonly (readonly [number, number])[];
  readonly color: string;
  readonly dash?: string;
  /** Draw a marker at each point (sparse series such as per-epoch means). */
  readonly markers?: boolean;
}

export interface LineChartProps {
  readonly series: readonly Series[];
  readonly xLabel: string;
  readonly yLabel: string;
  readonly title: string;
  readonly width?: number;
  readonly height?: number;
  readonly xDomain?: readonly [number, number];
  readonly yDomain?: readonly [number, number];
  /** A logarithmic y axis (give yDomain; values below its floor are drawn on it). */
  readonly yLog?: boolean;
  /** Whole-number x ticks (steps). */
  readonly xInteger?: boolean;
  /** Dashed vertical marks with a label (e.g. where each epoch starts). */
  readonly xMarks?: readonly { readonly x: number; readonly label: string }[];
  /** Dashed horizontal marks with a label across the plot (e.g. a target). */
  readonly yMarks?: readonly { readonly y: number; readonly label: string }[];
  /** Extra SVG drawn in data coordinates (given the scales). */
  readonly overlay?: (sx: (v: number) => number, sy: (v: number) => number) => React.ReactNode;
  readonly formatX?: (v: number) => string;
  readonly formatY?: (v: number) => string;
  readonly testId?: string;
}

const M = { left: 60, right: 16, top: 14, bottom: 38 };

function extent(values: number[]): [number, number] {
  const f = values.filter(Number.isFinite);
  if (f.length === 0) return [0, 1];
  let lo = f[0];
  let hi = f[0];
  for (const v of f) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return [lo, hi];
}

export function LineChart({ series, xLabel, yLabel, title, width = 520, height = 300, xDomain, yDomain, yLog, xInteger, xMarks, yMarks, overlay, formatX, formatY, testId }: LineChartProps) {
  const iw = width - M.left - M.right;
  const ih = height - M.top - M.bottom;
  const x = axis(xDomain ?? extent(series.flatMap((s) => s.points.map((p) => p[0]))), [M.left, M.left + iw], { nice: !xDomain, format: formatX, integer: xInteger });
  const y = axis(yDomain ?? extent(series.flatMap((s) => s.points.map((p) => p[1]))), [M.top + ih, M.top], { nice: !yDomain, format: formatY, log: yLog });
  const sx = x.scale;
  const sy = y.scale;
  const path = line<readonly [number, number]>()
    .defined((p) => Number.isFinite(p[0]) && Number.isFinite(p[1]))
    .x((p) => sx(p[0]))
    .y((p) => sy(p[1]));
  return (
    <figure className="chart">
      <svg viewBox={`0 0 ${width} ${height}`} width="100%" role="img" aria-label={title} data-testid={testId}>
        <rect x={M.left} y={M.top} width={iw} height={ih} className="plot-bg" />
        {x.ticks.map((t: Tick) => (
          <g key={`x${t.value}`} className="x-tick">
            <line x1={sx(t.value)} x2={sx(t.value)} y1={M.top} y2={M.top + ih} className="grid" />
            <text x={sx(t.value)} y={M.top + ih + 14} textAnchor="middle" className="tick">
              {t.label}
            </text>
          </g>
        ))}
        {y.ticks.map((t: Tick) => (
          <g key={`y${t.value}`} className="y-tick">
            <line x1={M.left} x2={M.left + iw} y1={sy(t.value)} y2={sy(t.value)} className="grid" />
            <text x={M.left - 4} y={sy(t.value) + 4} textAnchor="end" className="tick">
              {t.label}
            </text>
          </g>
        ))}
        {xMarks?.map((m) => (
          <g key={`m${m.x}`} className="x-mark">
            <line x1={sx(m.x)} x2={sx(m.x)} y1={M.top} y2={M.top + ih} className="reference-line" />
            <text x={sx(m.x) + 3} y={M.top + 11} className="tick">
              {m.label}
            </text>
          </g>
        ))}
        {yMarks?.map((m) => (
          <g key={`ym${m.y}`} className="y-mark">
            <line x1={M.left} x2={M.left + iw} y1={sy(m.y)} y2={sy(m.y)} className="reference-line" />
            <text x={M.left + iw - 3} y={sy(m.y) - 4} textAnchor="end" className="tick">
              {m.label}
            </text>
          </g>
        ))}
        {overlay?.(sx, sy)}
        {series.map((s) => (
          <g key={s.name}>
            <path className="series" data-series={s.name} d={path(s.points) ?? ''} fill="none" stroke={s.color} strokeWidth={2} strokeDasharray={s.dash} />
            {s.markers &&
              s.points.map(([a, b], i) => <circle key={i} cx={sx(a)} cy={sy(b)} r={3.5} fill="#fff" stroke={s.color} strokeWidth={2} />)}
          </g>
        ))}
        <text x={M.left + iw / 2} y={height - 4} textAnchor="middle" className="tick">
          {xLabel}
        </text>
        <text x={12} y={M.top + ih / 2} textAnchor="middle" className="tick" transform={`rotate(-90 12 ${M.top + ih / 2})`}>
          {yLabel}
        </text>
      </svg>
      <figcaption className="legend">
        {series.map((s) => (
          <span key={s.name}>
            <svg width="28" height="10" aria-hidden="true">
              <line x1="0" x2="28" y1="5" y2="5" stroke={s.color} strokeWidth="2" strokeDasharray={s.dash} />
            </svg>{' '}
            {s.name}
          </span>
        ))}
      </figcaption>
    </figure>
  );
}

/** Colours and dash patterns per series index (distinguishable without colour). */
export const SERIES_STYLES = [
  { color: '#0969da', dash: undefined },
  { color: '#bf3989', dash: '6 3' },
  { color: '#1a7f37', dash: '2 3' },
  { color: '#9a6700', dash: '10 3 2 3' },
  { color: '#8250df', dash: '4 4' },
  { color: '#cf222e', dash: '1 2' },
] as const;
