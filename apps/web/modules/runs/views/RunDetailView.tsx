'use client';

import type { TArtifact } from '@defectlab/contracts';
import { useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { useEffect } from 'react';
import { useAuth } from '../../auth/hooks/useAuth';
import { LineChart } from '../../charts/LineChart';
import { formatBytes, formatDateTime, formatDuration, formatMs, formatPercent, formatInterval } from '../../ui/format';
import { RunStatus } from '../components/RunStatus';
import { useDatasets } from '../../datasets/hooks/useDatasets';
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
  const loss = (progress.data?.items ?? []).filter((p) => p.loss !== null);
  const lossPoints = loss.map((p, i) => [p.step ?? p.epoch ?? i, p.loss as number] as const);
  return (
    <div className="stack">
      <header className="page-header">
        <h1>
          {r.kind} run <span className="muted small">{r.id}</span>
        </h1>
        <RunStatus run={r} />
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
            <dd>v{r.datasetVersion.number}</dd>
            <dt>Preset</dt>
            <dd>{r.preset ?? 'default'}</dd>
            <dt>Backbone</dt>
            <dd>{r.backbone ? `${r.backbone.name} (${r.backbone.sha256.slice(0, 12)})` : String(r.config['backbone'] ?? 'default')}</dd>
            <dt>Seed</dt>
            <dd>{r.seed}</dd>
            <dt>Attempts</dt>
            <dd>
              {r.attempts} of {r.maxAttempts}
            </dd>
            <dt>Training backend</dt>
            <dd>{r.trainingBackend ?? ''}</dd>
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
              <summary>Resolved config (JSON)</summary>
              <pre>{JSON.stringify(r.resolvedConfig, null, 2)}</pre>
            </details>
          )}
        </section>
        <section className="card" aria-label="Loss curve">
          <h2>Loss curve</h2>
          {lossPoints.length > 1 ? (
            <LineChart title="training loss" xLabel="step" yLabel="loss" series={[{ name: 'loss', points: lossPoints, color: '#0969da' }]} testId="loss-curve" />
          ) : (
            <p className="muted">No loss reported{active ? ' yet' : ''}.</p>
          )}
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
          <ol className="log" data-testid="progress-log">
            {(progress.data?.items ?? []).slice(-200).map((p, i) => (
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
        </section>
      </div>
    </div>
  );
}

/**
 * Plain links: the session cookie authorises them through the web app's /api forwarder, and the API answers
 * every artifact but an image as an attachment (with nosniff and a sandboxing CSP), so none can run here.
 */
function ArtifactList({ items }: { items: readonly TArtifact[] }) {
  return (
    <ul>
      {items.map((a) => (
        <li key={a.id}>
          {a.kind} · {formatBytes(a.bytes)} · {a.contentType}{' '}
          <a href={`/api/artifacts/${a.id}/content`} download data-testid="artifact-download">
            download
          </a>
        </li>
      ))}
    </ul>
  );
}
