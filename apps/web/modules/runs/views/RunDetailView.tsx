'use client';

import type { TArtifact, TRun, TRunProgressPoint } from '@defectlab/contracts';
import { useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { useEffect, useRef } from 'react';
import { useAuth } from '../../auth/hooks/useAuth';
import { LineChart } from '../../charts/LineChart';
import { formatBytes, formatDateTime, formatDuration, formatInterval, formatMs, formatPercent, plural } from '../../ui/format';
import { RunStatus } from '../components/RunStatus';
import { useDatasets } from '../../datasets/hooks/useDatasets';
import { groupArtifacts } from '../lib/artifact-groups';
import { atEpochEnds, lossSeries, phaseProgress, recordedEpochSeries } from '../lib/loss-series';
import { latestEvaluation } from '../lib/run-summary';
import { useCancelRun, useReevaluate, useRun, useRunArtifacts, useRunEvaluations, useRunProgress } from '../hooks/useRun';
import { ACTIVE_STATUSES, runKeys } from '../api/run-keys';

/** One run: config, loss curve, progress log, artifacts and evaluations; cancel while active. */
export function RunDetailView({ runId }: { runId: string }) {
  const auth = useAuth();
  const run = useRun(runId);
  const active = run.data ? ACTIVE_STATUSES.includes(run.data.status) : false;
  const progress = useRunProgress(runId, active);
  const artifacts = useRunArtifacts(runId, active);
  const evaluations = useRunEvaluations(runId, active);
  const cancel = useCancelRun();
  const reeval = useReevaluate(runId);
  const datasets = useDatasets();
  const qc = useQueryClient();
  const status = run.data?.status;
  // when the run changes state (e.g. finishes), its evaluations, artifacts and log have changed too
  useEffect(() => {
    if (status) void qc.invalidateQueries({ queryKey: runKeys.detail(runId), predicate: (q) => q.queryKey.length > 3 });
  }, [status, runId, qc]);
  if (run.isError) return <p role="alert">Could not load the run: {run.error.message}</p>;
  if (!run.data) return <p aria-busy="true">Loading the run…</p>;
  const r = run.data;
  const dataset = datasets.data?.find((d) => d.id === r.datasetVersion.datasetId) ?? null;
  const backend = r.trainingBackend ?? (active ? runtimeSummary(r) : null);
  return (
    <div className="stack">
      <header className="page-header">
        <h1>
          {r.kind} run <span className="muted small">{r.id}</span>
        </h1>
        <RunStatus run={r} />
        {active && (
          <span className="small" data-testid="header-backend">
            backend: {backend ?? 'reported when the worker starts'}
          </span>
        )}
        {active && auth.can('engineer') && (
          <button type="button" onClick={() => cancel.mutate(r.id)} disabled={cancel.isPending || r.cancelRequestedAt !== null}>
            {r.cancelRequestedAt ? 'Cancel requested' : 'Cancel run'}
          </button>
        )}
      </header>
      {r.error && (
        <p role="alert" className="card status-bad">
          {r.error}
        </p>
      )}
      <div className="two-col">
        <section className="card" aria-label="Configuration">
          <h2>Configuration</h2>
          <dl className="facts">
            <dt>Dataset version</dt>
            <dd data-testid="run-dataset">
              {dataset ? (
                <>
                  {dataset.name} <span className="muted">({dataset.productLine})</span>{' '}
                </>
              ) : null}
              v{r.datasetVersion.number}
            </dd>
            <dt>Preset</dt>
            <dd>{r.preset ?? 'default'}</dd>
            {r.runGroupId && (
              <>
                <dt>Sweep</dt>
                <dd>
                  <Link href={`/runs/groups/${r.runGroupId}`} data-testid="run-sweep">
                    the run group of this run
                  </Link>
                </dd>
              </>
            )}
            <dt>Backbone</dt>
            <dd>{r.backbone ? `${r.backbone.name} (${r.backbone.sha256.slice(0, 12)})` : String(r.config['backbone'] ?? 'default')}</dd>
            <dt>Seed</dt>
            <dd>{r.seed}</dd>
            <dt>Attempts</dt>
            <dd>
              {r.attempts} of {r.maxAttempts}
            </dd>
            <dt>Training backend</dt>
            <dd data-testid="training-backend">
              {r.trainingBackend ?? (active ? `${backend ?? 'not reported yet'} (the exact backend is recorded when fitting ends)` : 'not recorded')}
            </dd>
            <dt>Worker</dt>
            <dd>{r.workerId ?? ''}</dd>
            <dt>Created</dt>
            <dd>
              {formatDateTime(r.createdAt)} by {r.createdBy?.name ?? 'unknown'}
            </dd>
            <dt>Ran</dt>
            <dd>
              {formatDateTime(r.startedAt)} – {formatDateTime(r.finishedAt)}
            </dd>
          </dl>
          <details>
            <summary>Submitted config (JSON)</summary>
            <pre>{JSON.stringify(r.config, null, 2)}</pre>
          </details>
          {r.resolvedConfig && (
            <details>
              <summary>Resolved config (JSON, what the worker trains with)</summary>
              <pre>{JSON.stringify(r.resolvedConfig, null, 2)}</pre>
            </details>
          )}
          {r.fitReport && (
            <details>
              <summary>Model report after fitting (JSON)</summary>
              <pre>{JSON.stringify(r.fitReport, null, 2)}</pre>
            </details>
          )}
        </section>
        <section className="card" aria-label="Training progress">
          <TrainingCharts points={progress.data?.items ?? []} run={r} active={active} validationAuroc={latestValidationAuroc(evaluations.data?.items ?? [])} />
        </section>
      </div>
      <section className="card" aria-label="Evaluations">
        <h2>Evaluations</h2>
        {(() => {
          const head = datasets.data?.find((d) => d.id === r.datasetVersion.datasetId)?.headVersion;
          const evals = evaluations.data?.items ?? [];
          const latest = latestEvaluation(evals);
          if (!head || !latest || !auth.can('engineer') || evals.some((e) => e.datasetVersion.id === head.id)) return null;
          return (
            <p>
              The dataset has a newer label version (v{head.number}).{' '}
              <button type="button" onClick={() => reeval.mutate({ evaluationId: latest.id, datasetVersionId: head.id })} disabled={reeval.isPending}>
                Re-evaluate on v{head.number} from the stored scores
              </button>
              {reeval.isError && (
                <span role="alert" className="status-bad">
                  {' '}
                  {reeval.error.message}
                </span>
              )}
            </p>
          );
        })()}
        {(evaluations.data?.items ?? []).length === 0 && <p className="muted">None yet.</p>}
        {(evaluations.data?.items ?? []).map((e) => (
          <article key={e.id} className="evaluation" data-testid="evaluation">
            <h3>
              On dataset version {e.datasetVersion.number}
              {e.sourceEvaluationId ? ' (re-evaluated from stored scores)' : ''} · <Link href={`/evaluations/${e.id}`}>open the simulator</Link>
            </h3>
            <p className="muted small">
              {e.predictionCount} predictions · size {formatBytes(e.sizeBytes)} (+ backbone {formatBytes(e.backboneSizeBytes)}) · p50{' '}
              {formatMs(e.latency?.p50)}, p95 {formatMs(e.latency?.p95)} ·{' '}
              {e.metrics
                .filter((m) => m.value !== null)
                .map((m) => `${m.name} (${m.split}) ${(m.value as number).toFixed(3)}`)
                .join(' · ')}
            </p>
            <table className="data-table">
              <thead>
                <tr>
                  <th scope="col">Operating point</th>
                  <th scope="col">Threshold fitted on</th>
                  <th scope="col">Miss (95 % CI)</th>
                  <th scope="col">Overkill (95 % CI)</th>
                  <th scope="col">Accuracy</th>
                </tr>
              </thead>
              <tbody>
                {e.operatingPoints.map((p) => (
                  <tr key={p.name}>
                    <td>
                      {p.name}
                      {p.oracle && <strong> (oracle)</strong>}
                    </td>
                    <td>{p.fitSplit}</td>
                    <td>
                      {formatPercent(p.missRate)} <span className="muted small">{formatInterval(p.missRateInterval)}</span>
                    </td>
                    <td>
                      {formatPercent(p.overkillRate)} <span className="muted small">{formatInterval(p.overkillRateInterval)}</span>
                    </td>
                    <td>{formatPercent(p.accuracy)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </article>
        ))}
      </section>
      <div className="two-col">
        <section className="card" aria-label="Artifacts">
          <h2>Artifacts</h2>
          <ArtifactList items={(artifacts.data?.items ?? []).filter((a) => a.kind !== 'anomaly_map')} />
          {(() => {
            const maps = (artifacts.data?.items ?? []).filter((a) => a.kind === 'anomaly_map');
            return maps.length > 0 ? (
              <details>
                <summary>{maps.length} anomaly maps (shown over the images in the simulator)</summary>
                <ArtifactList items={maps} />
              </details>
            ) : null;
          })()}
          {(artifacts.data?.items ?? []).length === 0 && <p className="muted">None.</p>}
        </section>
        <section className="card" aria-label="Progress log">
          <h2>Progress log</h2>
          <FollowingLog points={progress.data?.items ?? []} />
        </section>
      </div>
    </div>
  );
}

/** The newest 200 progress reports; the list follows the newest line unless the reader scrolled up. */
function FollowingLog({ points }: { points: readonly TRunProgressPoint[] }) {
  const ref = useRef<HTMLOListElement>(null);
  const pinned = useRef(true);
  useEffect(() => {
    const el = ref.current;
    if (el && pinned.current) el.scrollTop = el.scrollHeight;
  }, [points.length]);
  return (
    <ol
      className="log"
      data-testid="progress-log"
      ref={ref}
      onScroll={(e) => {
        const el = e.currentTarget;
        pinned.current = el.scrollHeight - el.scrollTop - el.clientHeight < 24;
      }}
    >
      {points.slice(-200).map((p, i) => (
        <li key={i}>
          <code>
            {p.at.slice(11, 19)} {p.phase}
            {p.epoch !== null ? ` epoch ${p.epoch}` : ''}
            {p.step !== null ? ` step ${p.step}` : ''}
            {p.loss !== null ? ` loss ${p.loss.toFixed(4)}` : ''}
            {p.etaSeconds !== null ? ` ETA ${formatDuration(p.etaSeconds)}` : ''}
          </code>
        </li>
      ))}
    </ol>
  );
}

/**
 * Artifacts, one entry per kind that repeats (checkpoints: the latest, with the count). Plain links: the session
 * cookie authorises them through the web app's /api forwarder, and the API answers every artifact but a PNG map as
 * an attachment (with nosniff and a sandboxing CSP), so none can run here.
 */
function ArtifactList({ items }: { items: readonly TArtifact[] }) {
  return (
    <ul>
      {groupArtifacts(items).map(({ latest: a, count }) => (
        <li key={a.id} data-testid="artifact" data-kind={a.kind}>
          {a.kind}
          {count > 1 ? ` (latest of ${plural(count, a.kind)})` : ''} · {formatBytes(a.bytes)} · {a.contentType}{' '}
          <a href={`/api/artifacts/${a.id}/content`} download>
            download
          </a>
        </li>
      ))}
    </ul>
  );
}

/** What the worker's runtime says while a run trains (the exact backend string is recorded when fitting ends). */
function runtimeSummary(r: TRun): string | null {
  if (!r.runtime) return null;
  const parts = Object.entries(r.runtime)
    .filter(([k]) => k !== 'node' && k !== 'sharp')
    .map(([k, v]) => `${k} ${String(v)}`);
  return parts.length > 0 ? parts.join(', ') : null;
}

function latestValidationAuroc(evals: readonly { metrics: readonly { name: string; split: string; value: number | null }[]; createdAt: string }[]): number | null {
  const latest = [...evals].sort((a, b) => b.createdAt.localeCompare(a.createdAt))[0];
  return latest?.metrics.find((m) => m.name === 'image_auroc' && m.split === 'validation')?.value ?? null;
}

/**
 * The loss against the global step (epoch starts marked; per-step values and each epoch's mean), or, for a
 * model that trains no network (PatchCore), its phases' progress (features extracted, coreset patches selected).
 */
function TrainingCharts({ points, run, active, validationAuroc }: { points: readonly TRunProgressPoint[]; run: TRun; active: boolean; validationAuroc: number | null }) {
  const loss = lossSeries(points);
  const phases = phaseProgress(points).filter((p) => p.lastStep !== null);
  if (loss.steps.length + loss.epochMeans.length > 1) {
    // validation figures per epoch where the model records them in its fit report (CFA: validation loss);
    // values on another scale than the loss (an AUROC in [0, 1]) are listed under the chart instead
    const recorded = recordedEpochSeries(run.fitReport);
    const onLossScale = recorded.filter((r) => /loss/.test(r.name));
    const elsewhere = recorded.filter((r) => !/loss/.test(r.name));
    const series = [
      ...(loss.steps.length > 0 ? [{ name: 'loss per step', points: loss.steps, color: '#0969da' }] : []),
      ...(loss.epochMeans.length > 0 ? [{ name: 'epoch mean loss', points: loss.epochMeans, color: '#bf3989', dash: '6 3', markers: true }] : []),
      ...onLossScale.map((r) => ({ name: r.name, points: atEpochEnds(r.values, loss), color: '#1a7f37', dash: '2 3', markers: true })),
    ];
    return (
      <>
        <h2>Loss curve</h2>
        <LineChart
          title="training loss against the global step"
          xLabel="global step (all epochs; dashed lines: epoch starts)"
          yLabel="loss"
          series={series}
          xMarks={loss.epochStarts.map((e) => ({ x: e.x, label: `epoch ${e.epoch}` }))}
          xInteger
          testId="loss-curve"
        />
        {elsewhere.map((r) => (
          <p key={r.name} className="small" data-testid="recorded-epoch-series">
            {r.name}: {r.values.map((v) => (v === null ? '–' : v.toFixed(3))).join(', ')}
          </p>
        ))}
        <p className="muted small" data-testid="loss-note">
          {run.kind} reports one loss value per step (the sum of its loss terms), so one loss series.{' '}
          {elsewhere.some((r) => /auroc/.test(r.name))
            ? ''
            : `No validation AUROC per epoch is recorded for this run${validationAuroc !== null ? `; the final validation AUROC is ${validationAuroc.toFixed(3)}` : ''}.`}
        </p>
      </>
    );
  }
  if (phases.length > 0) {
    const main = phases.find((p) => p.phase === 'coreset') ?? phases[phases.length - 1];
    const total = run.progress?.phase === main.phase ? run.progress.steps : null;
    return (
      <>
        <h2>Fitting progress</h2>
        <p className="small" data-testid="phase-progress">
          {phases
            .map((p) => `${PHASE_NAME[p.phase] ?? p.phase}: ${p.lastStep}${run.progress?.phase === p.phase && run.progress.steps ? ` of ${run.progress.steps}` : ''}`)
            .join(' · ')}
        </p>
        {main.curve.length > 1 && main.seconds >= 2 && (
          <LineChart
            title={`${PHASE_NAME[main.phase] ?? main.phase} over time`}
            xLabel={`seconds since the ${main.phase} phase started`}
            yLabel={PHASE_NAME[main.phase] ?? main.phase}
            series={[{ name: PHASE_NAME[main.phase] ?? main.phase, points: main.curve, color: '#0969da', markers: true }]}
            yDomain={total ? [0, total] : undefined}
            testId="phase-curve"
          />
        )}
        <p className="muted small">{run.kind} trains no network, so it reports no loss; these are its fitting steps.</p>
      </>
    );
  }
  return (
    <>
      <h2>Loss curve</h2>
      <p className="muted">No loss reported{active ? ' yet' : ''}.</p>
    </>
  );
}

const PHASE_NAME: Record<string, string> = {
  features: 'images through the backbone',
  coreset: 'coreset patches selected',
  train: 'training steps',
};

