'use client';

import { useCallback, useRef, type KeyboardEvent, type PointerEvent } from 'react';
import { fractionOfRange, pointInRange, type ScoreHistogram as THistogram } from '@defectlab/metrics';
import { formatThreshold } from '../../ui/format';
import { axis, type Tick } from '../../charts/axis';
import { HatchPattern } from '../../charts/HatchPattern';

export interface ScoreHistogramProps {
  readonly histogram: THistogram;
  readonly threshold: number;
  /** A reference threshold drawn dashed (the evaluation's operating point). */
  readonly reference?: number | null;
  readonly onChange: (threshold: number) => void;
  /** Keyboard steps: next/previous achievable threshold, `count` steps. */
  readonly onStep: (direction: 1 | -1, count: number) => void;
  readonly width?: number;
  readonly height?: number;
}

const M = { left: 50, right: 16, top: 14, bottom: 34 };

/**
 * Rounded score ticks (d3-scale) inside [lo, hi]; a range too wide or too narrow for decimal ticks (beyond
 * the largest double, or a few subnormal steps) falls back to its two ends.
 */
export function scoreTicks(lo: number, hi: number): Tick[] {
  const ends = [{ value: lo, label: formatThreshold(lo) }, { value: hi, label: formatThreshold(hi) }];
  if (!Number.isFinite(hi - lo) || !(hi - lo > Math.max(Math.abs(lo), Math.abs(hi)) * 1e-9)) return lo === hi ? ends.slice(0, 1) : ends;
  const ticks = axis([lo, hi], [0, 1], { count: 6 }).ticks.filter((t) => t.value >= lo && t.value <= hi);
  return ticks.length >= 2 ? ticks : ends;
}

/**
 * Good vs defective score histogram on shared bins with a threshold the user drags (mouse, touch)
 * or moves with the keyboard (arrows: next achievable threshold; Page keys: 10; Home/End).
 * Good bars are solid, defective bars hatched, so colour is not the only signal.
 */
export function ScoreHistogram({ histogram, threshold, reference, onChange, onStep, width = 760, height = 240 }: ScoreHistogramProps) {
  const svgRef = useRef<SVGSVGElement>(null);
  const dragging = useRef(false);
  const { edges, goodCounts, defectiveCounts } = histogram;
  const bins = goodCounts.length;
  const lo = edges[0];
  const hi = edges[bins];
  const innerW = width - M.left - M.right;
  const innerH = height - M.top - M.bottom;
  let maxCount = 1;
  for (let i = 0; i < bins; i++) maxCount = Math.max(maxCount, goodCounts[i], defectiveCounts[i]);
  // the count axis: rounded whole-number ticks, and bars scaled to its (rounded-up) top
  const counts = axis([0, maxCount], [M.top + innerH, M.top], { nice: true, count: 4, format: (v) => String(v) });
  const countTicks = counts.ticks.filter((t) => Number.isInteger(t.value));
  // overflow-safe scale: a score range can be wider than the largest double or one subnormal step wide
  const x = (v: number) => M.left + fractionOfRange(Math.min(Math.max(v, lo), hi), lo, hi) * innerW;
  const y = counts.scale;
  const bw = innerW / bins;
  const tx = threshold === Infinity ? M.left + innerW : threshold === -Infinity ? M.left : x(threshold);

  const valueAt = useCallback(
    (clientX: number) => {
      const svg = svgRef.current;
      if (!svg) return threshold;
      const rect = svg.getBoundingClientRect();
      const px = ((clientX - rect.left) / rect.width) * width;
      const f = Math.min(1, Math.max(0, (px - M.left) / innerW));
      return pointInRange(lo, hi, f);
    },
    [threshold, width, innerW, lo, hi],
  );

  const onPointerDown = (e: PointerEvent<SVGSVGElement>) => {
    dragging.current = true;
    e.currentTarget.setPointerCapture(e.pointerId);
    onChange(valueAt(e.clientX));
  };
  const onPointerMove = (e: PointerEvent<SVGSVGElement>) => {
    if (dragging.current) onChange(valueAt(e.clientX));
  };
  const onPointerUp = (e: PointerEvent<SVGSVGElement>) => {
    dragging.current = false;
    if (e.currentTarget.hasPointerCapture(e.pointerId)) e.currentTarget.releasePointerCapture(e.pointerId);
  };
  const onKeyDown = (e: KeyboardEvent<SVGGElement>) => {
    const keys: Record<string, [1 | -1, number]> = {
      ArrowRight: [1, 1],
      ArrowUp: [1, 1],
      ArrowLeft: [-1, 1],
      ArrowDown: [-1, 1],
      PageUp: [1, 10],
      PageDown: [-1, 10],
      End: [1, Number.MAX_SAFE_INTEGER],
      Home: [-1, Number.MAX_SAFE_INTEGER],
    };
    const k = keys[e.key];
    if (!k) return;
    e.preventDefault();
    onStep(k[0], e.shiftKey ? k[1] * 10 : k[1]);
  };

  const ticks = scoreTicks(lo, hi);
  return (
    <figure className="chart">
      <svg
        ref={svgRef}
        viewBox={`0 0 ${width} ${height}`}
        width="100%"
        className="histogram"
        data-testid="score-histogram"
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={onPointerUp}
        onPointerCancel={onPointerUp}
        style={{ touchAction: 'none', cursor: 'ew-resize' }}
        aria-labelledby="histogram-caption"
      >
        <HatchPattern id="hatch" fill="var(--defective-fill)" stroke="var(--defective)" strokeWidth={3} />
        <rect x={tx} y={M.top} width={Math.max(0, M.left + innerW - tx)} height={innerH} className="flag-zone" />
        {Array.from({ length: bins }, (_, i) => (
          <g key={i}>
            <rect x={M.left + i * bw + 1} y={y(goodCounts[i])} width={bw / 2 - 1} height={M.top + innerH - y(goodCounts[i])} className="bar-good">
              <title>{`${goodCounts[i]} good in [${formatThreshold(edges[i])}, ${formatThreshold(edges[i + 1])})`}</title>
            </rect>
            <rect
              x={M.left + i * bw + bw / 2}
              y={y(defectiveCounts[i])}
              width={bw / 2 - 1}
              height={M.top + innerH - y(defectiveCounts[i])}
              fill="url(#hatch)"
              className="bar-defective"
            >
              <title>{`${defectiveCounts[i]} defective in [${formatThreshold(edges[i])}, ${formatThreshold(edges[i + 1])})`}</title>
            </rect>
          </g>
        ))}
        <line x1={M.left} x2={M.left + innerW} y1={M.top + innerH} y2={M.top + innerH} className="axis" />
        {ticks.map((t, i) => (
          <g key={i} className="x-tick">
            <line x1={x(t.value)} x2={x(t.value)} y1={M.top + innerH} y2={M.top + innerH + 4} className="axis" />
            <text x={x(t.value)} y={M.top + innerH + 16} textAnchor="middle" className="tick">
              {t.label}
            </text>
          </g>
        ))}
        <line x1={M.left} x2={M.left} y1={M.top} y2={M.top + innerH} className="axis" />
        {countTicks.map((t) => (
          <g key={`c${t.value}`} className="count-tick">
            <line x1={M.left - 4} x2={M.left} y1={y(t.value)} y2={y(t.value)} className="axis" />
            <text x={M.left - 6} y={y(t.value) + 4} textAnchor="end" className="tick">
              {t.label}
            </text>
          </g>
        ))}
        <text x={M.left + innerW / 2} y={height - 2} textAnchor="middle" className="tick">
          anomaly score (flagged defective at or above the threshold)
        </text>
        <text x={12} y={M.top + innerH / 2} textAnchor="middle" className="tick" transform={`rotate(-90 12 ${M.top + innerH / 2})`}>
          images per bin
        </text>
        {reference !== null && reference !== undefined && Number.isFinite(reference) && (
          <line x1={x(reference)} x2={x(reference)} y1={M.top} y2={M.top + innerH} className="reference-line">
            <title>{`operating point threshold ${formatThreshold(reference)}`}</title>
          </line>
        )}
        <g
          role="slider"
          tabIndex={0}
          aria-label="Threshold"
          aria-orientation="horizontal"
          aria-valuemin={lo}
          aria-valuemax={hi}
          aria-valuenow={Number.isFinite(threshold) ? threshold : hi}
          aria-valuetext={`threshold ${formatThreshold(threshold)}`}
          data-testid="threshold-slider"
          data-threshold={String(threshold)}
          onKeyDown={onKeyDown}
          className="threshold-handle"
        >
          <line x1={tx} x2={tx} y1={M.top - 4} y2={M.top + innerH} className="threshold-line" />
          <rect x={tx - 7} y={M.top - 12} width={14} height={14} rx={3} className="threshold-knob" />
        </g>
      </svg>
      <figcaption id="histogram-caption" className="legend">
        <span>
          <span className="swatch swatch-good" aria-hidden="true" /> good (solid)
        </span>
        <span>
          <span className="swatch swatch-defective" aria-hidden="true" /> defective (hatched)
        </span>
        <span>
          <span className="swatch swatch-flag" aria-hidden="true" /> shaded: flagged defective
        </span>
        {reference !== null && reference !== undefined && <span>dashed: the evaluation&apos;s operating point</span>}
        <span className="muted">Drag, or focus the handle and use the arrow keys (Shift or Page keys: 10 steps).</span>
      </figcaption>
    </figure>
  );
}
