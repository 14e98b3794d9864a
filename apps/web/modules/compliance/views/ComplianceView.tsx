'use client';

import type { TDataset, TEvaluation, TRun, TTarget } from '@defectlab/contracts';
import Link from 'next/link';
import { useState, type FormEvent } from 'react';
import { useAuth } from '../../auth/hooks/useAuth';
import { useDatasets } from '../../datasets/hooks/useDatasets';
import { useEvaluationsOfRuns, useRuns } from '../../runs/hooks/useRuns';
import { formatBytes, formatInterval, formatMs, formatPercent } from '../../ui/format';
import { VerdictBadge } from '../components/VerdictBadge';
import { useSaveTarget, useTargets } from '../hooks/useTargets';
import { assess, bestPerFamily, type CriterionResult } from '../lib/compliance';

/** Per product line: its targets and, per model family, the best evaluation held against them. */
export function ComplianceView() {
  const targets = useTargets();
  const datasets = useDatasets();
  const runs = useRuns({ status: 'succeeded' });
  const evals = useEvaluationsOfRuns(runs.data?.items ?? []);
  const lines = [...new Set([...(targets.data ?? []).map((t) => t.productLine), ...(datasets.data ?? []).map((d) => d.productLine)])].sort();
  if (targets.isPending || datasets.isPending) return <p aria-busy="true">Loading targets…</p>;
  return (
    <div className="stack">
      <h1>Compliance</h1>
      <p className="muted">
        Each model family&apos;s best run, by its latest evaluation at its first operating point fitted on validation and reported on test. Miss and
        overkill are green when the whole 95 % interval is within the target, amber when only the estimate is, red when the estimate is above.
        Latency is the p50 ms per image at batch 1.
      </p>
      {lines.length === 0 && <p className="card">No dataset and no target yet.</p>}
      {lines.map((line) => (
        <ProductLine
          key={line}
          line={line}
          target={(targets.data ?? []).find((t) => t.productLine === line) ?? null}
          datasets={(datasets.data ?? []).filter((d) => d.productLine === line)}
          runs={runs.data?.items ?? []}
          evals={evals}
        />
      ))}
    </div>
  );
}

const CRITERION_NAME: Record<CriterionResult['criterion'], string> = { miss: 'Miss rate', overkill: 'Overkill rate', size: 'Size', latency: 'ms / image' };

function describe(c: CriterionResult): string {
  switch (c.criterion) {
    case 'miss':
    case 'overkill':
      return `${formatPercent(c.value)} ${formatInterval(c.interval)} (target ≤ ${formatPercent(c.target)})`;
    case 'size':
      return `${formatBytes(c.value)} (target ≤ ${formatBytes(c.target)})`;
    case 'latency':
      return `${formatMs(c.value)} p50 (target ≤ ${formatMs(c.target)})`;
  }
}

function ProductLine({
  line,
  target,
  datasets,
  runs,
  evals,
}: {
  line: string;
  target: TTarget | null;
  datasets: TDataset[];
  runs: readonly TRun[];
  evals: Map<string, TEvaluation[]>;
}) {
  const auth = useAuth();
  const ids = new Set(datasets.map((d) => d.id));
  const lineRuns = runs.filter((r) => ids.has(r.datasetVersion.datasetId));
  const models = target ? bestPerFamily(lineRuns, evals, target) : [];
  return (
    <section className="card" aria-labelledby={`line-${line}`} data-testid="product-line" data-line={line}>
      <h2 id={`line-${line}`}>
        {line} <span className="muted small">({datasets.map((d) => d.name).join(', ') || 'no dataset'})</span>
      </h2>
      {target ? (
        <p className="muted small">
          Targets: miss ≤ {formatPercent(target.maxMissRate)}, overkill ≤ {formatPercent(target.maxOverkillRate)}, size ≤ {formatBytes(target.maxSizeBytes)},
          ≤ {formatMs(target.maxLatencyMs)} per image.
        </p>
      ) : (
        <p>No targets set for this product line.</p>
      )}
      {target && models.length === 0 && <p className="muted">No finished run on this product line yet.</p>}
      {models.length > 0 && (
        <div className="table-wrap">
        <table className="data-table wrap-cells">
          <thead>
            <tr>
              <th scope="col">Model</th>
              <th scope="col">Overall</th>
              {(['miss', 'overkill', 'size', 'latency'] as const).map((c) => (
                <th key={c} scope="col">
                  {CRITERION_NAME[c]}
                </th>
              ))}
              <th scope="col">History over dataset versions</th>
            </tr>
          </thead>
          <tbody>
            {models.map((m) => (
              <tr key={m.run.kind} data-testid="compliance-row" data-kind={m.run.kind}>
                <th scope="row">
                  <Link href={`/runs/${m.run.id}`}>{m.run.kind}</Link> <span className="muted small">v{m.evaluation.datasetVersion.number}</span>
                </th>
                <td>
                  <VerdictBadge verdict={m.overall} testId="compliance-overall" label={m.overall === 'green' ? 'meets all targets' : undefined} />
                </td>
                {m.criteria.map((c) => (
                  <td key={c.criterion}>
                    <VerdictBadge verdict={c.verdict} testId={`criterion-${c.criterion}`} /> <span className="small">{describe(c)}</span>
                  </td>
                ))}
                <td>
                  <History run={m.run} evals={evals.get(m.run.id) ?? []} target={target as TTarget} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        </div>
      )}
      {auth.can('admin') && <TargetForm line={line} target={target} />}
    </section>
  );
}

function History({ run, evals, target }: { run: TRun; evals: readonly TEvaluation[]; target: TTarget }) {
  const sorted = [...evals].filter((e) => e.status === 'succeeded').sort((a, b) => a.datasetVersion.number - b.datasetVersion.number || a.createdAt.localeCompare(b.createdAt));
  return (
    <span className="legend">
      {sorted.map((e) => (
        <VerdictBadge key={e.id} verdict={assess(run, e, target).overall} label={`v${e.datasetVersion.number}`} />
      ))}
    </span>
  );
}

/** Admins edit a product line's targets here; the verdicts above follow at once. */
function TargetForm({ line, target }: { line: string; target: TTarget | null }) {
  const save = useSaveTarget();
  const [miss, setMiss] = useState(target ? String(target.maxMissRate * 100) : '0.5');
  const [overkill, setOverkill] = useState(target ? String(target.maxOverkillRate * 100) : '5');
  const [size, setSize] = useState(target ? String(target.maxSizeBytes / 1e6) : '100');
  const [latency, setLatency] = useState(target ? String(target.maxLatencyMs) : '50');
  const [error, setError] = useState<string | null>(null);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const input = {
      productLine: line,
      maxMissRate: Number(miss) / 100,
      maxOverkillRate: Number(overkill) / 100,
      maxSizeBytes: Math.round(Number(size) * 1e6),
      maxLatencyMs: Number(latency),
    };
    if (Object.values(input).some((v) => typeof v === 'number' && !Number.isFinite(v))) {
      setError('Every target must be a number.');
      return;
    }
    setError(null);
    save.mutate({ exists: target !== null, input });
  };
  return (
    <details className="target-form" open={target === null}>
      <summary>Edit targets</summary>
      <form onSubmit={submit} className="toolbar" aria-label={`Targets for ${line}`}>
        <label>
          Max miss (%) <input aria-label={`Max miss (%) for ${line}`} size={6} value={miss} onChange={(e) => setMiss(e.target.value)} />
        </label>
        <label>
          Max overkill (%) <input aria-label={`Max overkill (%) for ${line}`} size={6} value={overkill} onChange={(e) => setOverkill(e.target.value)} />
        </label>
        <label>
          Max size (MB, 10⁶ bytes) <input aria-label={`Max size (MB) for ${line}`} size={8} value={size} onChange={(e) => setSize(e.target.value)} />
        </label>
        <label>
          Max ms / image <input aria-label={`Max ms per image for ${line}`} size={6} value={latency} onChange={(e) => setLatency(e.target.value)} />
        </label>
        <button type="submit" className="primary" aria-label={`Save targets for ${line}`} disabled={save.isPending}>
          Save
        </button>
        {(error || save.isError) && (
          <span role="alert" className="status-bad">
            {error ?? save.error?.message}
          </span>
        )}
      </form>
    </details>
  );
}
