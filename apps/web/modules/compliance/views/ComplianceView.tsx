'use client';

import { DEFAULT_TARGETS, type TDataset, type TEvaluation, type TRun, type TTarget } from '@defectlab/contracts';
import Link from 'next/link';
import { useState, type FormEvent } from 'react';
import { useAuth } from '../../auth/hooks/useAuth';
import { useDatasets } from '../../datasets/hooks/useDatasets';
import { useEvaluationsOfRuns, useRuns } from '../../runs/hooks/useRuns';
import { formatBytes, formatInterval, formatMs, formatPercent } from '../../ui/format';
import { VerdictBadge } from '../components/VerdictBadge';
import { useSaveTarget, useTargets } from '../hooks/useTargets';
import { assess, bestOverall, bestPerFamily, missEvidence, missHistory, type CriterionResult, type ModelCompliance } from '../lib/compliance';
import { percentTick } from '../../charts/axis';
import { LineChart, SERIES_STYLES } from '../../charts/LineChart';

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

/** No-break space between a number and its unit, so "23.33 %" never wraps apart. */
const pct = (v: number | null) => formatPercent(v).replace(' ', '\u00a0');

function describe(c: CriterionResult): string {
  switch (c.criterion) {
    case 'miss':
    case 'overkill':
      return `${pct(c.value)} ${formatInterval(c.interval)} (target ≤\u00a0${pct(c.target)})`;
    case 'size':
      return `${formatBytes(c.value).replace(' ', '\u00a0')} (target ≤\u00a0${formatBytes(c.target).replace(' ', '\u00a0')})`;
    case 'latency':
      return `${formatMs(c.value).replace(' ', '\u00a0')} p50 (target ≤\u00a0${formatMs(c.target).replace(' ', '\u00a0')})`;
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
  const best = bestOverall(models);
  const history = missHistory(lineRuns, evals);
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
      {target && best && <LineSummary best={best} target={target} />}
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
      {target && history.some((h) => h.points.length > 0) && (
        <details className="history-chart" open={history.some((h) => h.points.length > 1)}>
          <summary>Miss rate over dataset versions</summary>
          <div className="small-chart">
            <LineChart
              title={`miss rate of each model family over the dataset versions of ${line}`}
              xLabel="dataset version"
              yLabel="miss rate (test)"
              xInteger
              yDomain={[0, Math.max(target.maxMissRate * 2, ...history.flatMap((h) => h.points.map((p) => p[1])))]}
              formatY={percentTick}
              height={220}
              series={history.map((h, i) => ({ name: h.kind, points: h.points, markers: true, ...SERIES_STYLES[i % SERIES_STYLES.length] }))}
              yMarks={[{ y: target.maxMissRate, label: `target ≤ ${formatPercent(target.maxMissRate)}` }]}
              testId="compliance-history"
            />
          </div>
          <p className="muted small">Dashed: the miss-rate target. Each point: the family&apos;s latest evaluation on that version.</p>
        </details>
      )}
      {auth.can('admin') && <TargetForm line={line} target={target} />}
    </section>
  );
}

/** One line per product line: its best model and verdict, and whether its test set can show the miss target at all. */
function LineSummary({ best, target }: { best: ModelCompliance; target: TTarget }) {
  const defective = best.point?.counts.defective ?? null;
  const evidence = defective === null ? null : missEvidence(defective, target.maxMissRate);
  return (
    <div className="line-summary" data-testid="line-summary">
      <p>
        <strong>Best model:</strong> <Link href={`/runs/${best.run.id}`}>{best.run.kind}</Link>{' '}
        <span className="muted small">(dataset v{best.evaluation.datasetVersion.number})</span>{' '}
        <VerdictBadge verdict={best.overall} testId="line-verdict" label={best.overall === 'green' ? 'meets all targets' : undefined} />
      </p>
      {evidence && !evidence.canShow && (
        <p className="status-warn small" data-testid="sample-size-note">
          This test set has {defective} defective images: even with no miss at all, the 95 % interval of the miss rate reaches{' '}
          {formatPercent(evidence.bestUpper)}, above the target {formatPercent(target.maxMissRate)}. Showing miss ≤ {formatPercent(target.maxMissRate)} at
          95 % confidence needs at least {evidence.needed} defective test images with no miss ({evidence.neededOneSided} for a one-sided bound).
        </p>
      )}
    </div>
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
  // a new product line starts with the study's targets (DEFAULT_TARGETS), editable here
  const t = target ?? DEFAULT_TARGETS;
  const [miss, setMiss] = useState(String(Number((t.maxMissRate * 100).toPrecision(6))));
  const [overkill, setOverkill] = useState(String(Number((t.maxOverkillRate * 100).toPrecision(6))));
  const [size, setSize] = useState(String(t.maxSizeBytes / 1e6));
  const [latency, setLatency] = useState(String(t.maxLatencyMs));
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
