'use client';

import Link from 'next/link';
import { useMemo } from 'react';
import { formatBytes, formatMs, formatPercent } from '../../ui/format';
import { RunStatus } from '../components/RunStatus';
import { useRunGroup } from '../hooks/useRunGroups';
import { useEvaluationsOfRuns } from '../hooks/useRuns';
import { summarizeRun } from '../lib/run-summary';

/** A sweep: its grid and every run in grid order with its options and figures (AUROC, miss, overkill, size, latency). */
export function RunGroupView({ groupId }: { groupId: string }) {
  const group = useRunGroup(groupId);
  const runs = useMemo(() => group.data?.runs.map((r) => r.run) ?? [], [group.data]);
  const evals = useEvaluationsOfRuns(runs);
  if (group.isError) return <p role="alert">Could not load the sweep: {group.error.message}</p>;
  if (!group.data) return <p aria-busy="true">Loading sweep…</p>;
  const g = group.data;
  const options = Object.keys(g.grid);
  return (
    <div className="stack">
      <header className="page-header">
        <h1>
          Sweep {g.name ? `“${g.name}”` : g.id.slice(0, 8)} · {g.kind}
        </h1>
        <Link href="/runs">All runs</Link>
      </header>
      <p className="muted small">
        {g.runCount} runs over {options.join(', ')}; base config <code>{JSON.stringify(g.baseConfig)}</code>
      </p>
      <div className="table-wrap">
        <table className="data-table" data-testid="run-group-table">
          <caption className="sr-only">The sweep’s runs in grid order</caption>
          <thead>
            <tr>
              <th scope="col">#</th>
              {options.map((o) => (
                <th key={o} scope="col">
                  {o}
                </th>
              ))}
              <th scope="col">Status</th>
              <th scope="col">AUROC</th>
              <th scope="col">Miss</th>
              <th scope="col">Overkill</th>
              <th scope="col">Size</th>
              <th scope="col">ms/img p50</th>
            </tr>
          </thead>
          <tbody>
            {g.runs.map(({ gridPoint, run }, i) => {
              const s = summarizeRun(run, evals.get(run.id) ?? []);
              return (
                <tr key={run.id} data-testid="run-group-row">
                  <th scope="row">
                    <Link href={`/runs/${run.id}`}>{i + 1}</Link>
                  </th>
                  {options.map((o) => (
                    <td key={o}>{JSON.stringify(gridPoint[o])}</td>
                  ))}
                  <td>
                    <RunStatus run={run} />
                  </td>
                  <td className="num">{s.imageAuroc === null ? '' : s.imageAuroc.toFixed(3)}</td>
                  <td className="num">{s.point ? formatPercent(s.missRate) : ''}</td>
                  <td className="num">{s.point ? formatPercent(s.overkillRate) : ''}</td>
                  <td className="num">{s.sizeBytes === null ? '' : formatBytes(s.sizeBytes)}</td>
                  <td className="num">{s.msPerImage === null ? '' : formatMs(s.msPerImage)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </div>
  );
}
