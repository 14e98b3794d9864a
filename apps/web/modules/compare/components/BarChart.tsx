import { axis } from '../../charts/axis';

/**
 * Horizontal bars (SVG, d3-scale axis with rounded ticks). Each value is written in its own column right of
 * the plot, and the limit's label sits above the plot, so the limit line never crosses a label.
 */
export function BarChart({
  title,
  bars,
  format,
  tickFormat,
  limit,
  limitLabel,
  testId,
}: {
  title: string;
  bars: readonly { label: string; value: number | null; color: string }[];
  format: (v: number) => string;
  /** Axis tick labels (shorter than the values'; default: d3's). */
  tickFormat?: (v: number) => string;
  limit?: number | null;
  limitLabel?: string;
  testId?: string;
}) {
  const width = 460;
  const rowH = 26;
  const left = 110;
  const valueColumn = 80;
  const right = left + (width - left - valueColumn - 8);
  const top = 18;
  const plotH = bars.length * rowH;
  const height = top + plotH + 22;
  const max = Math.max(1e-12, ...bars.map((b) => b.value ?? 0), limit ?? 0);
  const x = axis([0, max], [left, right], { nice: true, count: 3, format: tickFormat });
  const sx = x.scale;
  return (
    <figure className="chart">
      <svg viewBox={`0 0 ${width} ${height}`} width="100%" role="img" aria-label={title} data-testid={testId}>
        {x.ticks.map((t) => (
          <g key={t.value}>
            <line x1={sx(t.value)} x2={sx(t.value)} y1={top} y2={top + plotH} className="grid" />
            <text x={sx(t.value)} y={top + plotH + 14} textAnchor="middle" className="tick">
              {t.label}
            </text>
          </g>
        ))}
        {bars.map((b, i) => (
          <g key={b.label} data-testid="bar">
            <text x={left - 6} y={top + i * rowH + 17} textAnchor="end" className="tick">
              {b.label}
            </text>
            {b.value !== null && <rect x={left} y={top + i * rowH + 5} width={Math.max(1, sx(b.value) - left)} height={rowH - 10} fill={b.color} />}
            <text x={right + 8} y={top + i * rowH + 17} className="tick bar-value">
              {b.value !== null ? format(b.value) : 'n/a'}
            </text>
          </g>
        ))}
        {limit !== null && limit !== undefined && (
          <g data-testid="bar-limit">
            <line x1={sx(limit)} x2={sx(limit)} y1={top - 2} y2={top + plotH} stroke="#cf222e" strokeDasharray="4 3" strokeWidth={1.5} />
            <text x={sx(limit)} y={top - 6} textAnchor={sx(limit) > right - 40 ? 'end' : 'middle'} className="tick">
              {limitLabel ?? `target ${format(limit)}`}
            </text>
          </g>
        )}
      </svg>
      <figcaption className="muted small">{title}</figcaption>
    </figure>
  );
}
