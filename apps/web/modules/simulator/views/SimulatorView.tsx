'use client';

import type { TStoredOperatingPoint } from '@defectlab/contracts';
import Link from 'next/link';
import { useCallback, useDeferredValue, useMemo, useState } from 'react';
import { useVersionLabels } from '../../datasets/hooks/useDatasets';
import { useAuth } from '../../auth/hooks/useAuth';
import { useEvaluation, usePredictions, useSaveOperatingPoint } from '../../evaluations/hooks/useEvaluation';
import { useRun } from '../../runs/hooks/useRun';
import { useEvaluationsOfRuns, useRuns } from '../../runs/hooks/useRuns';
import { formatPercent, formatThreshold } from '../../ui/format';
import { FiguresPanel } from '../components/FiguresPanel';
import { HeatmapFilterDefs, HeatmapImage, HeatmapLegend } from '../components/HeatmapImage';
import { relativeToThreshold } from '../lib/relative-score';
import { chosenPoint } from '../../runs/lib/run-summary';
import { ImageGrid } from '../components/ImageGrid';
import { ScoreHistogram } from '../components/ScoreHistogram';
import { buildSimulation, figuresAt, filterRows, flipsBetween, stepThreshold, type GridFilter, type Simulation } from '../lib/simulation';

function thresholdNumber(t: TStoredOperatingPoint['threshold']): number {
  return t === '+Infinity' ? Infinity : t;
}

/** The threshold simulator of one evaluation (its test predictions). */
export function SimulatorView({ evaluationId }: { evaluationId: string }) {
  const evaluation = useEvaluation(evaluationId);
  const predictions = usePredictions(evaluationId, 'test');
  const versionId = evaluation.data?.datasetVersion.id ?? null;
  const labels = useVersionLabels(versionId, 'test');
  const sim = useMemo(() => (predictions.data ? buildSimulation(predictions.data) : null), [predictions.data]);

  if (evaluation.isError) return <p role="alert">Could not load the evaluation: {evaluation.error.message}</p>;
  if (predictions.isError) return <p role="alert">Could not load the predictions: {predictions.error.message}</p>;
  if (!evaluation.data || !sim) return <p aria-busy="true">Loading the evaluation and its predictions…</p>;
  if (sim.rows.length === 0) return <p>This evaluation has no test predictions.</p>;
  return <Simulator sim={sim} evaluation={evaluation.data} labels={labels.data} />;
}

function Simulator({
  sim,
  evaluation,
  labels,
}: {
  sim: Simulation;
  evaluation: NonNullable<ReturnType<typeof useEvaluation>['data']>;
  labels: ReturnType<typeof useVersionLabels>['data'];
}) {
  const points = evaluation.operatingPoints.filter((p) => p.reportSplit === 'test');
  const defaultPoint = points.find((p) => !p.oracle) ?? points[0] ?? null;
  const [pointName, setPointName] = useState<string | null>(defaultPoint?.name ?? null);
  const point = points.find((p) => p.name === pointName) ?? null;
  const reference = point ? thresholdNumber(point.threshold) : null;
  const [threshold, setThreshold] = useState<number>(() => reference ?? sim.steps[Math.floor(sim.steps.length / 2)] ?? 0);
  const [filter, setFilter] = useState<GridFilter>('all');
  const [showHeatmap, setShowHeatmap] = useState(true);
  const [opacity, setOpacity] = useState(0.5);
  const [selected, setSelected] = useState<string | null>(null);
  const run = useRun(evaluation.runId);

  const m = figuresAt(sim, threshold);
  const flips = reference === null ? [] : flipsBetween(sim, reference, threshold);
  const deferredThreshold = useDeferredValue(threshold);
  const gridRows = useMemo(() => filterRows(sim, filter, deferredThreshold), [sim, filter, deferredThreshold]);
  const onStep = useCallback((dir: 1 | -1, count: number) => setThreshold((t) => stepThreshold(sim, t, dir, count)), [sim]);
  const [typed, setTyped] = useState('');

  return (
    <div className="stack">
      <HeatmapFilterDefs />
      <header className="page-header">
        <h1>Threshold simulator</h1>
        <p className="muted">
          {run.data ? (
            <>
              <Link href={`/runs/${run.data.id}`}>
                {run.data.kind} {run.data.preset ?? ''} run
              </Link>{' '}
              ·{' '}
            </>
          ) : null}
          dataset version {evaluation.datasetVersion.number} · {sim.rows.length} test images · every figure below is computed in this browser
          from the evaluation&apos;s stored scores with libs/metrics.
        </p>
      </header>

      <section className="card" aria-label="Threshold">
        <div className="toolbar">
          <label>
            Start from operating point{' '}
            <select
              value={pointName ?? ''}
              onChange={(e) => {
                const p = points.find((x) => x.name === e.target.value) ?? null;
                setPointName(p?.name ?? null);
                if (p) setThreshold(thresholdNumber(p.threshold));
              }}
            >
              {points.length === 0 && <option value="">none stored</option>}
              {points.map((p) => (
                <option key={p.name} value={p.name}>
                  {p.name}
                  {p.oracle ? ' (oracle: fitted on test)' : ` (fitted on ${p.fitSplit})`}
                </option>
              ))}
            </select>
          </label>
          <form
            onSubmit={(e) => {
              e.preventDefault();
              const v = Number(typed);
              if (typed.trim() !== '' && !Number.isNaN(v)) setThreshold(v);
            }}
          >
            <label>
              Threshold{' '}
              <input
                type="text"
                inputMode="decimal"
                size={12}
                value={typed}
                placeholder={formatThreshold(threshold)}
                onChange={(e) => setTyped(e.target.value)}
                aria-describedby="threshold-now"
              />
            </label>{' '}
            <button type="submit">Set</button>
          </form>
          <span id="threshold-now">
            now <strong data-testid="sim-threshold">{formatThreshold(threshold)}</strong>
          </span>
          <SaveOperatingPoint evaluationId={evaluation.id} threshold={threshold} />
        </div>
        <ScoreHistogram histogram={sim.histogram} threshold={threshold} reference={reference} onChange={setThreshold} onStep={onStep} />
        <FiguresPanel m={m} />
        {point && (
          <p className="muted small">
            Stored at operating point “{point.name}” (threshold {formatThreshold(point.threshold)}): miss {formatPercent(point.missRate)}, overkill{' '}
            {formatPercent(point.overkillRate)}.
          </p>
        )}
      </section>

      <section className="card" aria-label="Verdicts that flip">
        <h2>
          Verdicts that flip against “{point?.name ?? 'no operating point'}”: <span data-testid="flip-count">{flips.length}</span>
        </h2>
        {flips.length > 0 && (
          <ul className="flip-list">
            {flips.slice(0, 40).map((r) => {
              const nowFlagged = r.score >= threshold;
              return (
                <li key={r.imageId}>
                  <button type="button" className="link-button" onClick={() => setSelected(r.imageId)}>
                    {r.relPath}
                  </button>{' '}
                  ({r.label}, score {formatThreshold(r.score)}): now {nowFlagged ? 'defective' : 'good'}, was {nowFlagged ? 'good' : 'defective'}
                </li>
              );
            })}
            {flips.length > 40 && <li className="muted">…and {flips.length - 40} more</li>}
          </ul>
        )}
      </section>

      {selected && <SideBySide evaluationId={evaluation.id} versionId={evaluation.datasetVersion.id} imageId={selected} labels={labels} sim={sim} opacity={opacity} threshold={threshold} />}

      <section className="card" aria-label="Images">
        <div className="toolbar">
          <label>
            Show{' '}
            <select value={filter} onChange={(e) => setFilter(e.target.value as GridFilter)} data-testid="grid-filter">
              <option value="all">all test images</option>
              <option value="fn">false negatives (missed defects)</option>
              <option value="fp">false positives (overkill)</option>
              <option value="wrong">all wrong verdicts</option>
              <option value="type:good">good images</option>
              {sim.defectTypes.map((t) => (
                <option key={t} value={`type:${t}`}>
                  defect type: {t}
                </option>
              ))}
            </select>
          </label>
          <label>
            <input type="checkbox" checked={showHeatmap} onChange={(e) => setShowHeatmap(e.target.checked)} /> anomaly heatmaps
          </label>
          <label>
            heatmap opacity{' '}
            <input type="range" min={0} max={1} step={0.05} value={opacity} onChange={(e) => setOpacity(Number(e.target.value))} disabled={!showHeatmap} />
          </label>
          {!sim.rows.some((r) => r.anomalyMapArtifactId) && <span className="muted small">This evaluation stored no anomaly maps.</span>}
          {showHeatmap && sim.rows.some((r) => r.anomalyMapArtifactId) && <HeatmapLegend scoreRange={scoreRange(sim)} />}
        </div>
        <ImageGrid rows={gridRows} labels={labels} threshold={deferredThreshold} showHeatmap={showHeatmap} opacity={opacity} selectedId={selected} onSelect={setSelected} />
      </section>
    </div>
  );
}

/** One image under this evaluation's heatmap and another evaluation's (same dataset version). */
function SideBySide({
  evaluationId,
  versionId,
  imageId,
  labels,
  sim,
  opacity,
  threshold,
}: {
  threshold: number;
  evaluationId: string;
  versionId: string;
  imageId: string;
  labels: ReturnType<typeof useVersionLabels>['data'];
  sim: Simulation;
  opacity: number;
}) {
  const runs = useRuns({ datasetVersionId: versionId, status: 'succeeded' });
  const evals = useEvaluationsOfRuns(runs.data?.items ?? []);
  const options = (runs.data?.items ?? []).flatMap((r) =>
    (evals.get(r.id) ?? []).filter((e) => e.id !== evaluationId && e.datasetVersion.id === versionId).map((e) => ({ id: e.id, label: `${r.kind} ${r.preset ?? ''} (${e.createdAt.slice(0, 16)})` })),
  );
  const [other, setOther] = useState<string | null>(null);
  const otherPredictions = usePredictions(other, 'test');
  const otherEvaluation = useEvaluation(other);
  const otherPoint = chosenPoint(otherEvaluation.data ?? null);
  const otherThreshold = otherPoint ? thresholdNumber(otherPoint.threshold) : null;
  const row = sim.rows.find((r) => r.imageId === imageId);
  const otherRow = otherPredictions.data?.find((r) => r.imageId === imageId) ?? null;
  const sha = labels?.get(imageId)?.sha256 ?? null;
  if (!row) return null;
  return (
    <section className="card" aria-label="Side by side" data-testid="side-by-side">
      <h2>{row.relPath}</h2>
      <label>
        Compare with{' '}
        <select value={other ?? ''} onChange={(e) => setOther(e.target.value || null)} data-testid="compare-with">
          <option value="">choose another model&apos;s evaluation</option>
          {options.map((o) => (
            <option key={o.id} value={o.id}>
              {o.label}
            </option>
          ))}
        </select>
      </label>
      {other && (
        <p className="small" data-testid="scale-note">
          Raw scores of two models are on different scales (each model has its own score and its own heatmap scale), so compare each
          score with its own model&apos;s threshold: this model&apos;s at the simulated threshold {formatThreshold(threshold)}, the other
          model&apos;s at its operating point{otherPoint ? ` “${otherPoint.name}” (${formatThreshold(otherThreshold ?? Infinity)})` : ''}.
        </p>
      )}
      <HeatmapLegend testId="side-by-side-legend" />
      <div className="side-by-side">
        <figure>
          <HeatmapImage sha256={sha} alt={row.relPath} heatmapArtifactId={row.anomalyMapArtifactId} showHeatmap opacity={opacity} />
          <figcaption>
            this model: score {formatThreshold(row.score)}, <span data-testid="relative-this">{relativeToThreshold(row.score, threshold).text}</span>
            {row.anomalyMapArtifactId ? '' : ' (no heatmap stored)'}
          </figcaption>
        </figure>
        {other && (
          <figure>
            <HeatmapImage sha256={sha} alt={row.relPath} heatmapArtifactId={otherRow?.anomalyMapArtifactId ?? null} showHeatmap opacity={opacity} />
            <figcaption>
              other model: {otherRow ? `score ${formatThreshold(otherRow.score)}` : 'loading…'}
              {otherRow && otherThreshold !== null && <span data-testid="relative-other">, {relativeToThreshold(otherRow.score, otherThreshold).text}</span>}
              {otherRow && !otherRow.anomalyMapArtifactId ? ' (no heatmap stored)' : ''}
            </figcaption>
          </figure>
        )}
      </div>
    </section>
  );
}

/**
 * Saves the threshold being simulated as a named operating point (engineers and admins). The API stores it
 * with its test figures and marks it oracle: it was chosen while looking at test scores.
 */
function SaveOperatingPoint({ evaluationId, threshold }: { evaluationId: string; threshold: number }) {
  const auth = useAuth();
  const save = useSaveOperatingPoint(evaluationId);
  const [name, setName] = useState('');
  if (!auth.can('engineer')) return null;
  return (
    <form
      aria-label="Save the threshold as an operating point"
      onSubmit={(e) => {
        e.preventDefault();
        if (name.trim() !== '' && Number.isFinite(threshold)) save.mutate({ name: name.trim(), threshold }, { onSuccess: () => setName('') });
      }}
    >
      <label>
        Save as{' '}
        <input type="text" size={14} value={name} onChange={(e) => setName(e.target.value)} placeholder="operating point name" maxLength={80} />
      </label>{' '}
      <button type="submit" disabled={save.isPending || name.trim() === '' || !Number.isFinite(threshold)}>
        Save
      </button>
      {save.isError && (
        <span role="alert" className="status-bad">
          {' '}
          {save.error.message}
        </span>
      )}
      {save.isSuccess && (
        <span role="status" data-testid="saved-point">
          {' '}
          saved “{save.data.name}” (oracle: chosen on test scores)
        </span>
      )}
    </form>
  );
}

/** The lowest and highest image score of an evaluation (for the heatmap legend). */
function scoreRange(sim: Simulation): readonly [number, number] | null {
  if (sim.rows.length === 0) return null;
  let lo = Infinity;
  let hi = -Infinity;
  for (const r of sim.rows) {
    if (r.score < lo) lo = r.score;
    if (r.score > hi) hi = r.score;
  }
  return [lo, hi];
}
