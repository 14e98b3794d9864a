'use client';

import { MODEL_KINDS, RUN_STATUSES, type TModelKind, type TRunStatus } from '@defectlab/contracts';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useMemo, useState } from 'react';
import { useAuth } from '../../auth/hooks/useAuth';
import { useDatasets } from '../../datasets/hooks/useDatasets';
import { formatBytes, formatDateTime, formatDuration, formatMs, formatPercent } from '../../ui/format';
import { NewRunGroupForm } from '../components/NewRunGroupForm';
import { RunStatus } from '../components/RunStatus';
import { useRunGroups } from '../hooks/useRunGroups';
import { useRuns } from '../hooks/useRuns';
import { sortSummaries, summarizeRun, type SortKey } from '../lib/run-summary';

const COLUMNS: { key: SortKey | null; label: string }[] = [
  { key: 'kind', label: 'Model · preset' },
  { key: 'version', label: 'Dataset' },
  { key: null, label: 'Backbone' },
  { key: 'status', label: 'Status' },
  { key: 'imageAuroc', label: 'AUROC' },
  { key: 'missRate', label: 'Miss' },
  { key: 'overkillRate', label: 'Overkill' },
  { key: 'sizeBytes', label: 'Size' },
  { key: 'msPerImage', label: 'ms/img p50' },
  { key: 'started', label: 'Started' },
  { key: 'durationSeconds', label: 'Duration' },
];

/** The runs table: sortable, filterable, live progress, multi-select to compare. */
export function RunsView() {
  const auth = useAuth();
  const router = useRouter();
  const [status, setStatus] = useState<TRunStatus | ''>('');
  const [kind, setKind] = useState<TModelKind | ''>('');
  const [text, setText] = useState('');
  const [sort, setSort] = useState<{ key: SortKey; dir: 'asc' | 'desc' }>({ key: 'started', dir: 'desc' });
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const runs = useRuns({ status: status || undefined, kind: kind || undefined });
  const datasets = useDatasets();
  const groups = useRunGroups();
  const datasetNames = new Map((datasets.data ?? []).map((d) => [d.id, d.name]));
  const items = useMemo(() => runs.data?.items ?? [], [runs.data]);
  // each row's evaluation comes with the runs list (one request for the table, no request per run)
  const evals = useMemo(() => new Map(items.map((r) => [r.id, r.latestEvaluation ? [r.latestEvaluation] : []])), [items]);
  const [pointName, setPointName] = useState('');
  const pointNames = useMemo(
    () => [...new Set([...evals.values()].flat().flatMap((e) => e.operatingPoints.filter((p) => p.reportSplit === 'test').map((p) => p.name)))].sort(),
    [evals],
  );
  const rows = useMemo(() => {
    const needle = text.trim().toLowerCase();
    const all = items
      .filter((r) => !needle || `${r.kind} ${r.preset ?? ''} ${r.backbone?.name ?? ''} ${r.id}`.toLowerCase().includes(needle))
      .map((r) => summarizeRun(r, evals.get(r.id) ?? [], pointName || undefined));
    return sortSummaries(all, sort.key, sort.dir);
  }, [items, evals, text, sort, pointName]);

  const toggle = (id: string) =>
    setSelected((s) => {
      const n = new Set(s);
      if (n.has(id)) n.delete(id);
      else n.add(id);
      return n;
    });
  const compareIds = rows.filter((r) => selected.has(r.run.id) && r.evaluation).map((r) => r.evaluation?.id as string);

  return (
    <div className="stack">
      <header className="page-header">
        <h1>Runs</h1>
        {auth.can('engineer') && (
          <Link href="/runs/new" className="button primary">
            New run
          </Link>
        )}
      </header>
      <div className="toolbar" role="search">
        <label>
          Status{' '}
          <select value={status} onChange={(e) => setStatus(e.target.value as TRunStatus | '')}>
            <option value="">any</option>
            {RUN_STATUSES.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </label>
        <label>
          Model{' '}
          <select value={kind} onChange={(e) => setKind(e.target.value as TModelKind | '')}>
            <option value="">any</option>
            {MODEL_KINDS.map((k) => (
              <option key={k}>{k}</option>
            ))}
          </select>
        </label>
        <label>
          Operating point{' '}
          <select value={pointName} onChange={(e) => setPointName(e.target.value)}>
            <option value="">first fitted on validation</option>
            {pointNames.map((n) => (
              <option key={n}>{n}</option>
            ))}
          </select>
        </label>
        <label>
          Search <input type="search" value={text} onChange={(e) => setText(e.target.value)} placeholder="preset, backbone, id" />
        </label>
        <button type="button" className="primary" disabled={compareIds.length < 1} onClick={() => router.push(`/compare?evaluations=${compareIds.join(',')}`)}>
          Compare selected ({compareIds.length})
        </button>
      </div>
      {auth.can('engineer') && (
        <details data-testid="new-sweep">
          <summary>New sweep (a run group over a grid of options)</summary>
          <NewRunGroupForm />
        </details>
      )}
      {groups.data && groups.data.items.length > 0 && (
        <nav aria-label="Sweeps" className="small">
          Sweeps:{' '}
          {groups.data.items.map((g, i) => (
            <span key={g.id}>
              {i > 0 && ' · '}
              <Link href={`/runs/groups/${g.id}`}>
                {g.name ?? g.id.slice(0, 8)} ({g.kind}, {g.runCount} runs)
              </Link>
            </span>
          ))}
        </nav>
      )}
      {runs.isError && <p role="alert">Could not load runs: {runs.error.message}</p>}
      {runs.isPending && <p aria-busy="true">Loading runs…</p>}
      {runs.data && rows.length === 0 && <p className="card">No runs yet{auth.can('engineer') ? ': start one with “New run”.' : '.'}</p>}
      {rows.length > 0 && (
        <div className="table-wrap" data-testid="runs-table-wrap">
          <table className="data-table" data-testid="runs-table">
            <caption className="sr-only">Runs; select rows to compare their latest evaluations</caption>
            <thead>
              <tr>
                <th scope="col" className="pin-1">
                  <span className="sr-only">Select</span>
                </th>
                {COLUMNS.map((c, i) => (
                  <th
                    key={c.label}
                    scope="col"
                    className={i === 0 ? 'pin-2' : undefined}
                    aria-sort={c.key && sort.key === c.key ? (sort.dir === 'asc' ? 'ascending' : 'descending') : undefined}
                  >
                    {c.key ? (
                      <button
                        type="button"
                        className="sort-button"
                        onClick={() => setSort((s) => ({ key: c.key as SortKey, dir: s.key === c.key && s.dir === 'desc' ? 'asc' : 'desc' }))}
                      >
                        {c.label}
                        <span aria-hidden="true">{sort.key === c.key ? (sort.dir === 'asc' ? ' ▲' : ' ▼') : ' ↕'}</span>
                      </button>
                    ) : (
                      c.label
                    )}
                  </th>
                ))}
                <th scope="col">
                  <span className="sr-only">Simulator</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((s) => (
                <tr key={s.run.id} data-testid="run-row" data-run-id={s.run.id}>
                  <td className="pin-1">
                    <input
                      type="checkbox"
                      aria-label={`select ${s.run.kind} run ${s.run.id.slice(0, 8)} to compare`}
                      checked={selected.has(s.run.id)}
                      onChange={() => toggle(s.run.id)}
                      disabled={!s.evaluation}
                    />
                  </td>
                  <th scope="row" className="pin-2">
                    <Link href={`/runs/${s.run.id}`}>{s.run.kind}</Link> · {s.run.preset ?? 'default'}
                  </th>
                  <td>
                    {datasetNames.get(s.run.datasetVersion.datasetId) ?? 'dataset'} v{s.run.datasetVersion.number}
                  </td>
                  <td>{s.run.backbone?.name ?? (s.run.config['backbone'] as string | undefined) ?? 'default'}</td>
                  <td>
                    <RunStatus run={s.run} />
                  </td>
                  <td className="num">{s.imageAuroc === null ? '' : s.imageAuroc.toFixed(3)}</td>
                  <td className="num" title={s.point ? `at ${s.point.name}` : undefined}>
                    {s.point ? formatPercent(s.missRate) : ''}
                  </td>
                  <td className="num">{s.point ? formatPercent(s.overkillRate) : ''}</td>
                  <td className="num">{s.sizeBytes === null ? '' : formatBytes(s.sizeBytes)}</td>
                  <td className="num">{s.msPerImage === null ? '' : formatMs(s.msPerImage)}</td>
                  <td title={s.run.startedAt ?? undefined}>{formatDateTime(s.run.startedAt).slice(5)}</td>
                  <td className="num">{s.durationSeconds === null ? '' : formatDuration(s.durationSeconds)}</td>
                  <td>{s.evaluation && <Link href={`/evaluations/${s.evaluation.id}`}>simulator</Link>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <p className="muted small">
        Miss and overkill at {pointName ? `the operating point “${pointName}”` : 'each evaluation’s first operating point fitted on validation'}, reported on
        test (an evaluation without that point shows the first one fitted on validation; hover a figure to see which).
      </p>
    </div>
  );
}
