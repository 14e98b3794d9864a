/** A small SVG line chart (our own: no chart library). Series are drawn with distinct dash patterns and markers. */
export interface Series {
  readonly name: string;
  readonly points: readonly (readonly [number, number])[];
  readonly color: string;
  readonly dash?: string;
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
  /** Extra SVG drawn in data coordinates (given the scales). */
  readonly overlay?: (sx: (v: number) => number, sy: (v: number) => number) => React.ReactNode;
  readonly formatX?: (v: number) => string;
  readonly formatY?: (v: number) => string;
  readonly testId?: string;
}

const M = { left: 52, right: 16, top: 12, bottom: 36 };

function extent(values: number[], fallback: [number, number]): [number, number] {
  const f = values.filter(Number.isFinite);
  if (f.length === 0) return fallback;
  let lo = Math.min(...f);
  let hi = Math.max(...f);
  if (lo === hi) {
    lo -= 0.5;
    hi += 0.5;
  }
  return [lo, hi];
}

export function LineChart({ series, xLabel, yLabel, title, width = 520, height = 300, xDomain, yDomain, overlay, formatX, formatY, testId }: LineChartProps) {
  const xs = series.flatMap((s) => s.points.map((p) => p[0]));
  const ys = series.flatMap((s) => s.points.map((p) => p[1]));
  const [x0, x1] = xDomain ?? extent(xs, [0, 1]);
  const [y0, y1] = yDomain ?? extent(ys, [0, 1]);
  const iw = width - M.left - M.right;
  const ih = height - M.top - M.bottom;
  const sx = (v: number) => M.left + ((v - x0) / (x1 - x0)) * iw;
  const sy = (v: number) => M.top + ih - ((v - y0) / (y1 - y0)) * ih;
  const fx = formatX ?? ((v: number) => v.toPrecision(3));
  const fy = formatY ?? ((v: number) => v.toPrecision(3));
  const ticks = (a: number, b: number) => Array.from({ length: 5 }, (_, i) => a + ((b - a) * i) / 4);
  return (
    <figure className="chart">
      <svg viewBox={`0 0 ${width} ${height}`} width="100%" role="img" aria-label={title} data-testid={testId}>
        <rect x={M.left} y={M.top} width={iw} height={ih} className="plot-bg" />
        {ticks(x0, x1).map((t) => (
          <g key={`x${t}`}>
            <line x1={sx(t)} x2={sx(t)} y1={M.top} y2={M.top + ih} className="grid" />
            <text x={sx(t)} y={M.top + ih + 14} textAnchor="middle" className="tick">
              {fx(t)}
            </text>
          </g>
        ))}
        {ticks(y0, y1).map((t) => (
          <g key={`y${t}`}>
            <line x1={M.left} x2={M.left + iw} y1={sy(t)} y2={sy(t)} className="grid" />
            <text x={M.left - 4} y={sy(t) + 4} textAnchor="end" className="tick">
              {fy(t)}
            </text>
          </g>
        ))}
        {overlay?.(sx, sy)}
        {series.map((s) => (
          <g key={s.name}>
            <polyline
              points={s.points.map(([a, b]) => `${sx(a)},${sy(b)}`).join(' ')}
              fill="none"
              stroke={s.color}
              strokeWidth={2}
              strokeDasharray={s.dash}
            />
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
