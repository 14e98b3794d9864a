import { axis, percentTick } from '../../charts/axis';
import type { RateTargets, Tradeoff } from '../lib/tradeoff';

const NEUTRAL = '#57606a';

/**
 * One point per run: cost (size or latency, log axis) against overkill at the run's operating point. The
 * Pareto front is a neutral staircase; the product line's target region (overkill within target and, when
 * set, cost within its limit) is a neutral hatched box; the cheapest run meeting the targets is ringed.
 */
export function TradeoffScatter({
  title,
  xLabel,
  data,
  colors,
  targets,
  formatCost,
  testId,
}: {
  title: string;
  xLabel: string;
  data: Tradeoff;
  /** Colour of run number i (1-based) at index i - 1. */
  colors: readonly string[];
  targets: RateTargets | null;
  formatCost: (v: number) => string;
  testId: string;
}) {
  const width = 460;
  const height = 300;
  const m = { left: 56, right: 16, top: 14, bottom: 44 };
  const costs = [...data.points.map((p) => p.cost), ...(targets?.maxCost ? [targets.maxCost] : [])];
  const lo = costs.length ? Math.min(...costs) / 2 : 1;
  const hi = costs.length ? Math.max(...costs) * 2 : 10;
  const x = axis([lo, hi], [m.left, width - m.right], { log: true, format: formatCost });
  const yMax = Math.min(1, Math.max(0.05, ...data.points.map((p) => p.overkillRate * 1.15), (targets?.maxOverkillRate ?? 0) * 1.2));
  const y = axis([0, yMax], [height - m.bottom, m.top], { nice: true, count: 5, format: percentTick });
  // a range inside one decade has no decade tick: label the smallest and largest cost instead
  const xTicks = x.ticks.length >= 2 ? x.ticks : [...new Set([lo * 2, hi / 2])].map((v) => ({ value: v, label: formatCost(v) }));
  const sx = x.scale;
  const sy = y.scale;
  const hatch = `${testId}-hatch`;
  const front = data.front.map((p, i) => (i === 0 ? `M${sx(p.cost)},${sy(p.overkillRate)}` : `H${sx(p.cost)}V${sy(p.overkillRate)}`)).join('');
  return (
    <figure className="chart">
      <svg viewBox={`0 0 ${width} ${height}`} width="100%" role="img" aria-label={title} data-testid={testId}>
        <defs>
          <pattern id={hatch} patternUnits="userSpaceOnUse" width="6" height="6" patternTransform="rotate(45)">
            <rect width="6" height="6" fill="rgba(87,96,106,0.08)" />
            <line x1="0" y1="0" x2="0" y2="6" stroke="rgba(87,96,106,0.35)" strokeWidth="1.5" />
          </pattern>
        </defs>
        {xTicks.map((t) => (
          <g key={`x${t.value}`}>
            <line x1={sx(t.value)} x2={sx(t.value)} y1={m.top} y2={height - m.bottom} className="grid" />
            <text x={sx(t.value)} y={height - m.bottom + 14} textAnchor="middle" className="tick">
              {t.label}
            </text>
          </g>
        ))}
        {y.ticks.map((t) => (
          <g key={`y${t.value}`}>
            <line x1={m.left} x2={width - m.right} y1={sy(t.value)} y2={sy(t.value)} className="grid" />
            <text x={m.left - 6} y={sy(t.value) + 4} textAnchor="end" className="tick">
              {t.label}
            </text>
          </g>
        ))}
        <text x={(m.left + width - m.right) / 2} y={height - 6} textAnchor="middle" className="tick">
          {xLabel} (log scale)
        </text>
        <text x={12} y={(m.top + height - m.bottom) / 2} textAnchor="middle" className="tick" transform={`rotate(-90 12 ${(m.top + height - m.bottom) / 2})`}>
          overkill rate (test)
        </text>
        {targets && (
          <rect
            x={m.left}
            y={sy(Math.min(targets.maxOverkillRate, y.domain[1]))}
            width={(targets.maxCost ? sx(targets.maxCost) : width - m.right) - m.left}
            height={sy(0) - sy(Math.min(targets.maxOverkillRate, y.domain[1]))}
            fill={`url(#${hatch})`}
            stroke={NEUTRAL}
            strokeDasharray="5 3"
            data-testid="target-region"
          >
            <title>{`target region: overkill ≤ ${percentTick(targets.maxOverkillRate)}${targets.maxCost ? `, ${xLabel} ≤ ${formatCost(targets.maxCost)}` : ''} (and miss ≤ ${percentTick(targets.maxMissRate)})`}</title>
          </rect>
        )}
        {data.front.length > 0 && <path d={front} fill="none" stroke={NEUTRAL} strokeWidth={1.5} data-testid="pareto-front" />}
        {data.points.map((p) => (
          <g key={p.index} data-testid="tradeoff-point" data-on-front={p.onFront ? 'true' : 'false'}>
            {data.best?.index === p.index && <circle cx={sx(p.cost)} cy={sy(p.overkillRate)} r={10} fill="none" stroke="#24292f" strokeWidth={1.5} data-testid="tradeoff-best" />}
            <circle cx={sx(p.cost)} cy={sy(p.overkillRate)} r={6} fill={p.onFront ? (colors[p.index - 1] ?? NEUTRAL) : '#fff'} stroke={colors[p.index - 1] ?? NEUTRAL} strokeWidth={2.5}>
              <title>{`${p.label}: ${formatCost(p.cost)}, overkill ${percentTick(p.overkillRate)}${p.onFront ? ' (on the Pareto front)' : ''}`}</title>
            </circle>
            <text x={sx(p.cost) + 9} y={sy(p.overkillRate) - 7} className="tick">
              {p.index}
            </text>
          </g>
        ))}
      </svg>
      <figcaption className="muted small">
        {title}. Filled: on the Pareto front (grey staircase: nothing is both cheaper and lower in overkill).
        {targets ? ' Hatched: the target region.' : ''}{' '}
        {data.best ? `Cheapest meeting the miss and overkill targets: #${data.best.index} (${formatCost(data.best.cost)}).` : targets ? 'No run meets the targets here.' : ''}
        {data.missing.length > 0 ? ` Not plotted (not measured): ${data.missing.map((p) => `#${p.index}`).join(', ')}.` : ''}
      </figcaption>
    </figure>
  );
}
