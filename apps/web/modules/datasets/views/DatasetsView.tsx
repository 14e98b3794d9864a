'use client';

import type { TDataset } from '@defectlab/contracts';
import { useState } from 'react';
import { formatDateTime } from '../../ui/format';
import { useDatasets, useVersions } from '../hooks/useDatasets';

/** Datasets with their splits and every (immutable) version with its label counts. */
export function DatasetsView() {
  const datasets = useDatasets();
  const [open, setOpen] = useState<string | null>(null);
  if (datasets.isError) return <p role="alert">Could not load datasets: {datasets.error.message}</p>;
  if (!datasets.data) return <p aria-busy="true">Loading datasets…</p>;
  return (
    <div className="stack">
      <h1>Datasets</h1>
      {datasets.data.length === 0 && (
        <p className="card">
          No dataset yet. An engineer imports an MVTec-layout folder with <code>POST /api/datasets/import</code> (see the README).
        </p>
      )}
      <table className="data-table" data-testid="datasets-table">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Product line</th>
            <th scope="col">Images (train / validation / test)</th>
            <th scope="col">Newest version</th>
            <th scope="col">Source</th>
            <th scope="col">Versions</th>
          </tr>
        </thead>
        <tbody>
          {datasets.data.map((d) => (
            <tr key={d.id}>
              <th scope="row">{d.name}</th>
              <td>{d.productLine}</td>
              <td>
                {d.imageCount} ({d.splits.train} / {d.splits.validation} / {d.splits.test})
              </td>
              <td>v{d.headVersion.number}</td>
              <td className="small">{d.source}</td>
              <td>
                <button type="button" aria-expanded={open === d.id} onClick={() => setOpen(open === d.id ? null : d.id)}>
                  {d.versionCount} version{d.versionCount === 1 ? '' : 's'}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {open && <Versions dataset={datasets.data.find((d) => d.id === open) as TDataset} />}
    </div>
  );
}

function Versions({ dataset }: { dataset: TDataset }) {
  const versions = useVersions(dataset.id);
  return (
    <section className="card" aria-label={`Versions of ${dataset.name}`}>
      <h2>Versions of {dataset.name}</h2>
      <table className="data-table">
        <thead>
          <tr>
            <th scope="col">Version</th>
            <th scope="col">Created</th>
            <th scope="col">Good / defective / uncertain</th>
            <th scope="col">Changes</th>
            <th scope="col">Note</th>
          </tr>
        </thead>
        <tbody>
          {(versions.data ?? []).map((v) => (
            <tr key={v.id}>
              <td>
                v{v.number}
                {v.isHead ? ' (newest)' : ''}
              </td>
              <td>
                {formatDateTime(v.createdAt)} {v.createdBy ? `by ${v.createdBy.name}` : ''}
              </td>
              <td>
                {v.counts.good} / {v.counts.defective} / {v.counts.uncertain}
              </td>
              <td>{v.counts.changes}</td>
              <td className="small">{v.note ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
