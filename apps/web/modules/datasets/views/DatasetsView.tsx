'use client';

import type { TDataset } from '@defectlab/contracts';
import { useEffect, useState } from 'react';
import { useAuth } from '../../auth/hooks/useAuth';
import { blobUrl } from '../../simulator/components/HeatmapImage';
import { formatDateTime, plural } from '../../ui/format';
import { ImportForm } from '../components/ImportForm';
import { useDatasets, useVersionLabels, useVersions } from '../hooks/useDatasets';
import { countByClassAndSplit, samplesPerClass } from '../lib/label-groups';

/** Datasets with their splits and every (immutable) version with its label counts. */
export function DatasetsView() {
  const auth = useAuth();
  const datasets = useDatasets();
  const [open, setOpen] = useState<string | null>(null);
  const [shown, setShown] = useState<string | null>(null);
  useEffect(() => {
    if (!shown && datasets.data?.[0]) setShown(datasets.data[0].id);
  }, [shown, datasets.data]);
  const current = datasets.data?.find((d) => d.id === shown) ?? null;
  if (datasets.isError) return <p role="alert">Could not load datasets: {datasets.error.message}</p>;
  if (!datasets.data) return <p aria-busy="true">Loading datasets…</p>;
  return (
    <div className="stack">
      <h1>Datasets</h1>
      {datasets.data.length === 0 && (
        <p className="card">No dataset yet.{auth.can('engineer') ? ' Import one below: a folder on the server or an uploaded archive.' : ' An engineer imports them.'}</p>
      )}
      {auth.can('engineer') && <ImportForm />}
      <div className="table-wrap">
        <table className="data-table" data-testid="datasets-table">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Product line</th>
              <th scope="col">
                Images (train / validation<sup>*</sup> / test)
              </th>
              <th scope="col">Newest version</th>
              <th scope="col">Source</th>
              <th scope="col">Versions</th>
            </tr>
          </thead>
          <tbody>
            {datasets.data.map((d) => (
              <tr key={d.id}>
                <th scope="row">
                  <button type="button" className="link-button" aria-pressed={shown === d.id} onClick={() => setShown(d.id)}>
                    {d.name}
                  </button>
                </th>
                <td>{d.productLine}</td>
                <td>
                  {d.imageCount} ({d.splits.train} / {d.splits.validation} / {d.splits.test})
                </td>
                <td>v{d.headVersion.number}</td>
                <td className="small wrap">{d.source}</td>
                <td>
                  <button type="button" aria-expanded={open === d.id} onClick={() => setOpen(open === d.id ? null : d.id)}>
                    {plural(d.versionCount, 'version')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p className="muted small" data-testid="validation-note">
        <sup>*</sup> Validation is 0 here because it is not stored on the images: each run carves its validation split from the training
        and test images by a fixed, documented rule in its config (the threshold is fitted on it), so different runs may use different
        splits of the same version.
      </p>
      {current && <DatasetOverview dataset={current} />}
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

/** One dataset's head version: images per split and class, and a few sample images of each class. */
function DatasetOverview({ dataset }: { dataset: TDataset }) {
  const labels = useVersionLabels(dataset.headVersion.id);
  if (!labels.data) return <p aria-busy="true">Loading the labels of {dataset.name}…</p>;
  const all = [...labels.data.values()];
  const c = countByClassAndSplit(all);
  const samples = samplesPerClass(all, 6);
  return (
    <section className="card" aria-label={`Overview of ${dataset.name}`} data-testid="dataset-overview">
      <h2>
        {dataset.name} <span className="muted small">v{dataset.headVersion.number}, {dataset.productLine}</span>
      </h2>
      <div className="table-wrap">
        <table className="data-table counts-table" data-testid="class-split-counts">
          <thead>
            <tr>
              <th scope="col">Class</th>
              {c.splits.map((s) => (
                <th key={s} scope="col" className="num">
                  {s}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {c.classes.map((k) => (
              <tr key={k}>
                <th scope="row">{k}</th>
                {c.splits.map((s) => (
                  <td key={s} className="num">
                    {c.counts.get(k)?.get(s) ?? 0}
                  </td>
                ))}
              </tr>
            ))}
            <tr>
              <th scope="row">all</th>
              {c.splits.map((s) => (
                <td key={s} className="num">
                  <strong>{c.totalBySplit.get(s) ?? 0}</strong>
                </td>
              ))}
            </tr>
          </tbody>
        </table>
      </div>
      <h3>Samples per class</h3>
      <div className="sample-rows">
        {c.classes.map((k) => (
          <figure key={k} className="sample-row" data-testid="sample-row" data-class={k}>
            <figcaption>
              <strong>{k}</strong> <span className="muted small">({plural([...(c.counts.get(k)?.values() ?? [])].reduce((a, b) => a + b, 0), 'image')})</span>
            </figcaption>
            <ul className="sample-grid">
              {(samples.get(k) ?? []).map((l) => (
                <li key={l.imageId}>
                  <img src={blobUrl(l.sha256)} alt={l.relPath} title={l.relPath} width={72} height={72} loading="lazy" />
                </li>
              ))}
            </ul>
          </figure>
        ))}
      </div>
    </section>
  );
}
