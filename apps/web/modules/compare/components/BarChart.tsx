/** Horizontal bars (our own SVG) with the value written beside each bar; an optional limit line. */
export function BarChart({
  title,
  bars,
  format,
  limit,
  limitLabel,
  testId,
}: {
  title: string;
  bars: readonly { label: string; value: number | null; color: string }[];
  format: (v: number) => string;
  limit?: number | null;
  limitLabel?: string;
  testId?: string;
}) {
  const width = 460;
  const rowH = 26;
  const left = 150;
  const right = 90;
  const height = bars.length * rowH + 26;
  const max = Math.max(1e-12, ...bars.map((b) => b.value ?? 0), limit ?? 0);
  const sx = (v: number) => left + (v / max) * (width - left - right);
  return (
    <figure className="chart">
      <svg viewBox={`0 0 ${width} ${height}`} width="100%" role="img" aria-label={title} data-testid={testId}>
        {bars.map((b, i) => (
          <g key={b.label}>
            <text x={left - 6} y={i * rowH + 17} textAnchor="end" className="tick">
              {b.label}
            </text>
            {b.value !== null && <rect x={left} y={i * rowH + 5} width={Math.max(1, sx(b.value) - left)} height={rowH - 10} fill={b.color} />}
            <text x={b.value !== null ? sx(b.value) + 4 : left} y={i * rowH + 17} className="tick">
              {b.value !== null ? format(b.value) : 'n/a'}
            </text>
          </g>
        ))}
        {limit !== null && limit !== undefined && (
          <g>
            <line x1={sx(limit)} x2={sx(limit)} y1={0} y2={bars.length * rowH + 4} stroke="#cf222e" strokeDasharray="4 3" strokeWidth={1.5} />
            <text x={sx(limit)} y={bars.length * rowH + 18} textAnchor="middle" className="tick">
              {limitLabel ?? 'target'}
            </text>
          </g>
        )}
      </svg>
      <figcaption className="muted small">{title}</figcaption>
    </figure>
  );
}
