'use client';

import type { TEvaluation, TPredictionRow, TRun } from '@defectlab/contracts';
import Link from 'next/link';
import { useMemo } from 'react';
import { useQueries } from '@tanstack/react-query';
import { useApi } from '../../auth/hooks/useAuth';
import { percentTick } from '../../charts/axis';
import { HatchPattern } from '../../charts/HatchPattern';
import { LineChart, SERIES_STYLES } from '../../charts/LineChart';
import { assess } from '../../compliance/lib/compliance';
import { VerdictBadge } from '../../compliance/components/VerdictBadge';
import { useTargets } from '../../compliance/hooks/useTargets';
import { useDatasets } from '../../datasets/hooks/useDatasets';
import { evaluationKeys } from '../../evaluations/api/evaluation-keys';
import { runKeys } from '../../runs/api/run-keys';
import { chosenPoint } from '../../runs/lib/run-summary';
import { formatBytes, formatInterval, formatMs, formatPercent } from '../../ui/format';
import { BarChart } from '../components/BarChart';
import { TradeoffScatter } from '../components/TradeoffScatter';
import { curvesOf, type Curves } from '../lib/curves';
import { tradeoff, type TradeoffInput } from '../lib/tradeoff';
import { getEvaluation, getRun, listEvaluationPredictions } from '@defectlab/contracts';

/** Bottom of the log miss axis: 0.1 % (a zero miss rate is drawn here). */
const MISS_FLOOR = 0.001;

/** Both curve charts plot rates: overkill (or false positive rate) from 0 to 1 on x, percent ticks on both axes. */
const RATE_AXES = { xDomain: [0, 1], formatX: percentTick, formatY: percentTick } as const;

interface Loaded {
  evaluation: TEvaluation;
  run: TRun;
  predictions: TPredictionRow[];
}

/** One cost of a model (size, latency): how to read it, its target, and how its bar chart and scatter show it. */
interface CostFigures {
  readonly value: (l: Loaded) => number | null | undefined;
  readonly limit: number | null;
  readonly bars: { readonly label: string; readonly title: string; readonly format: (v: number) => string; readonly tick: (v: number) => string; readonly testId: string };
  readonly scatter: { readonly label: string; readonly title: string; readonly xLabel: string; readonly format: (v: number) => string; readonly testId: string };
}

/** Several evaluations side by side: operating curves, ROC, size and speed, figures with intervals. */
export function CompareView({ evaluationIds }: { evaluationIds: readonly string[] }) {
  const api = useApi();
  const evaluations = useQueries({
    queries: evaluationIds.map((id) => ({ queryKey: evaluationKeys.detail(id), queryFn: () => api(getEvaluation, { params: { evaluationId: id } }), staleTime: 60_000 })),
  });
  const runs = useQueries({
    queries: evaluations.map((e) => ({
      queryKey: runKeys.detail(e.data?.runId ?? ''),
      queryFn: () => api(getRun, { params: { runId: e.data?.runId as string } }),
      enabled: !!e.data,
      staleTime: 30_000,
    })),
  });
  const predictions = useQueries({
    queries: evaluationIds.map((id) => ({
      queryKey: evaluationKeys.predictions(id, 'test'),
      staleTime: 10 * 60_000,
      queryFn: async () => {
        const first = await api(listEvaluationPredictions, { params: { evaluationId: id }, query: { page: 1, pageSize: 500, split: 'test' } });
        const rest = await Promise.all(
          Array.from({ length: Math.max(0, Math.ceil(first.total / 500) - 1) }, (_, i) =>
            api(listEvaluationPredictions, { params: { evaluationId: id }, query: { page: i + 2, pageSize: 500, split: 'test' } }),
          ),
        );
        return [first, ...rest].flatMap((p) => p.items);
      },
    })),
  });
  const datasets = useDatasets();
  const targets = useTargets();
  const loaded: Loaded[] = evaluationIds
    .map((_, i) => ({ evaluation: evaluations[i]?.data, run: runs[i]?.data, predictions: predictions[i]?.data }))
    .filter((x): x is Loaded => !!x.evaluation && !!x.run && !!x.predictions);
  const loadedKey = loaded.map((l) => l.evaluation.id).join();
  const curves = useMemo(() => loaded.map((l) => curvesOf(l.predictions)), [loadedKey, loaded.length]);

  if (evaluationIds.length === 0) {
    return (
      <p className="card">
        Select runs in the <Link href="/runs">runs table</Link> and press “Compare selected”.
      </p>
    );
  }
  if (loaded.length < evaluationIds.length) return <p aria-busy="true">Loading {evaluationIds.length} evaluations and their scores…</p>;
  const versions = new Set(loaded.map((l) => l.evaluation.datasetVersion.id));
  const line = datasets.data?.find((d) => d.id === loaded[0].run.datasetVersion.datasetId)?.productLine ?? null;
  const target = targets.data?.find((t) => t.productLine === line) ?? null;
  const name = (l: Loaded, i: number) =>
    `#${i + 1} ${l.run.kind} ${l.run.preset ?? ''} · ${datasets.data?.find((d) => d.id === l.run.datasetVersion.datasetId)?.name ?? 'dataset'} v${l.evaluation.datasetVersion.number}`;
  const style = (i: number) => SERIES_STYLES[i % SERIES_STYLES.length];
  const colors = loaded.map((_, i) => style(i).color);
  /** One series per evaluation from its curves: the same name and style in every chart. */
  const curveSeries = (curve: keyof Curves) => loaded.map((l, i) => ({ name: name(l, i), points: curves[i]?.[curve] ?? [], ...style(i) }));
  const tradeoffInputs = (cost: (l: Loaded) => number | null | undefined): TradeoffInput[] =>
    loaded.map((l, i) => {
      const p = chosenPoint(l.evaluation);
      return { index: i + 1, label: name(l, i), cost: cost(l) ?? null, overkillRate: p?.overkillRate ?? null, missRate: p?.missRate ?? null };
    });
  const rateTargets = target ? { maxMissRate: target.maxMissRate, maxOverkillRate: target.maxOverkillRate } : null;
  const trimBytes = (v: number) => formatBytes(v).replace(/\.0+ /, ' ');
  /** The two costs set against the rates: exported size and p50 latency, each with its bars and its trade-off scatter. */
  const costs: readonly CostFigures[] = [
    {
      value: (l) => l.evaluation.sizeBytes,
      limit: target?.maxSizeBytes ?? null,
      bars: { label: 'Size', title: 'exported model size (backbone separate)', format: (v) => formatBytes(v), tick: trimBytes, testId: 'size-bars' },
      scatter: { label: 'Size vs overkill', title: 'exported model size vs overkill at the operating point', xLabel: 'size', format: trimBytes, testId: 'size-overkill-scatter' },
    },
    {
      value: (l) => l.evaluation.latency?.p50,
      limit: target?.maxLatencyMs ?? null,
      bars: { label: 'Speed', title: 'ms per image, p50 at batch 1', format: (v) => formatMs(v), tick: (v) => `${v} ms`, testId: 'speed-bars' },
      scatter: { label: 'Latency vs overkill', title: 'ms per image (p50, batch 1) vs overkill at the operating point', xLabel: 'latency', format: (v) => `${Number(v.toPrecision(3))} ms`, testId: 'latency-overkill-scatter' },
    },
  ];

  return (
    <div className="stack">
      <h1>Compare</h1>
      {versions.size > 1 && (
        <p role="alert" className="card status-warn">
          These evaluations are on different dataset versions: their figures are not directly comparable.
        </p>
      )}
      <p className="muted">
        Product line {line ?? 'unknown'}
        {target ? `: targets miss ≤ ${formatPercent(target.maxMissRate)}, overkill ≤ ${formatPercent(target.maxOverkillRate)}` : ' (no targets set)'}. Curves
        from the stored test scores; marks at each evaluation&apos;s operating point fitted on validation.
      </p>
      <div className="two-col">
        <section className="card" aria-label="Miss vs overkill">
          <LineChart
            title="miss rate (log axis) vs overkill rate (test split)"
            xLabel="overkill rate"
            yLabel="miss rate (log scale)"
            {...RATE_AXES}
            yDomain={[MISS_FLOOR, 1]}
            yLog
            testId="miss-overkill-chart"
            series={curveSeries('missVsOverkill')}
            overlay={(sx, sy) => (
              <>
                <HatchPattern id="target-hatch" fill="rgba(87,96,106,0.08)" stroke="rgba(87,96,106,0.35)" strokeWidth={1.5} />
                {target && (
                  <rect
                    x={sx(0)}
                    y={sy(target.maxMissRate)}
                    width={sx(target.maxOverkillRate) - sx(0)}
                    height={sy(MISS_FLOOR) - sy(target.maxMissRate)}
                    fill="url(#target-hatch)"
                    stroke="#24292f"
                    strokeDasharray="5 3"
                    strokeWidth={1.5}
                    data-testid="target-box"
                  >
                    <title>target: miss ≤ {formatPercent(target.maxMissRate)}, overkill ≤ {formatPercent(target.maxOverkillRate)}</title>
                  </rect>
                )}
                {loaded.map((l, i) => {
                  const p = chosenPoint(l.evaluation);
                  if (!p || p.overkillRate === null || p.missRate === null) return null;
                  return (
                    <g key={l.evaluation.id}>
                      <circle cx={sx(p.overkillRate)} cy={sy(Math.max(p.missRate, MISS_FLOOR))} r={6} fill="#fff" stroke={style(i).color} strokeWidth={3} />
                      <text x={sx(p.overkillRate) + 8} y={sy(Math.max(p.missRate, MISS_FLOOR)) - 6} className="tick">
                        {i + 1}
                      </text>
                    </g>
                  );
                })}
              </>
            )}
          />
          <p className="muted small">
            {target ? 'Hatched grey box: the product line’s targets. ' : ''}Numbered circles: the chosen operating points. Miss is on a log axis
            from {percentTick(MISS_FLOOR)} to 100 %; a miss of 0 is drawn on the {percentTick(MISS_FLOOR)} line.
          </p>
        </section>
        <section className="card" aria-label="ROC curves">
          <LineChart
            title="ROC (test split)"
            xLabel="false positive rate (overkill)"
            yLabel="true positive rate (1 − miss)"
            {...RATE_AXES}
            yDomain={[0, 1]}
            testId="roc-chart"
            series={curveSeries('roc')}
          />
        </section>
      </div>
      <div className="two-col">
        {costs.map((c) => (
          <section key={c.bars.testId} className="card" aria-label={c.bars.label}>
            <BarChart
              title={c.bars.title}
              bars={loaded.map((l, i) => ({ label: `#${i + 1} ${l.run.kind}`, value: c.value(l) ?? null, color: style(i).color }))}
              format={c.bars.format}
              tickFormat={c.bars.tick}
              limit={c.limit}
              testId={c.bars.testId}
            />
          </section>
        ))}
      </div>
      <div className="two-col">
        {costs.map((c) => {
          const targetsWithCost = rateTargets && { ...rateTargets, maxCost: c.limit };
          return (
            <section key={c.scatter.testId} className="card" aria-label={c.scatter.label}>
              <TradeoffScatter
                title={c.scatter.title}
                xLabel={c.scatter.xLabel}
                data={tradeoff(tradeoffInputs(c.value), targetsWithCost)}
                colors={colors}
                targets={targetsWithCost}
                formatCost={c.scatter.format}
                testId={c.scatter.testId}
              />
            </section>
          );
        })}
      </div>
      <section className="card table-wrap" aria-label="Figures" data-testid="compare-table-wrap">
        <table className="data-table" data-testid="compare-table">
          <thead>
            <tr>
              <th scope="col" className="pin-2 pin-only">Model</th>
              <th scope="col">Targets</th>
              <th scope="col">Operating point</th>
              <th scope="col">Miss (95 % CI)</th>
              <th scope="col">Overkill (95 % CI)</th>
              <th scope="col">Accuracy (95 % CI)</th>
              <th scope="col">Image AUROC</th>
              <th scope="col">Size</th>
              <th scope="col">p50 / p95</th>
            </tr>
          </thead>
          <tbody>
            {loaded.map((l, i) => {
              const p = chosenPoint(l.evaluation);
              const verdict = target ? assess(l.run, l.evaluation, target).overall : 'none';
              return (
                <tr key={l.evaluation.id}>
                  <th scope="row" className="pin-2 pin-only">
                    <Link href={`/evaluations/${l.evaluation.id}`}>{name(l, i)}</Link>
                  </th>
                  <td data-testid="compare-verdict">
                    {target ? <VerdictBadge verdict={verdict} label={verdict === 'green' ? 'meets all targets' : undefined} /> : 'no targets'}
                  </td>
                  <td>{p?.name ?? ''}</td>
                  <td>
                    {formatPercent(p?.missRate)}
                    <br />
                    <span className="muted small">{formatInterval(p?.missRateInterval)}</span>
                  </td>
                  <td>
                    {formatPercent(p?.overkillRate)}
                    <br />
                    <span className="muted small">{formatInterval(p?.overkillRateInterval)}</span>
                  </td>
                  <td>
                    {formatPercent(p?.accuracy)}
                    <br />
                    <span className="muted small">{formatInterval(p?.accuracyInterval)}</span>
                  </td>
                  <td>{l.evaluation.metrics.find((m) => m.name === 'image_auroc' && m.split === 'test')?.value?.toFixed(3) ?? ''}</td>
                  <td>{formatBytes(l.evaluation.sizeBytes)}</td>
                  <td>
                    {formatMs(l.evaluation.latency?.p50)} / {formatMs(l.evaluation.latency?.p95)}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </section>
    </div>
  );
}
