'use client';

import { importDataset, listImports, ZDatasetName, ZProductLine, type TImportProgress, type TImportResult } from '@defectlab/contracts';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { requestHeaders } from '../../api/request-headers';
import { uploadWithProgress } from '../../api/upload-with-progress';
import { useApi } from '../../auth/hooks/useAuth';
import { datasetKeys } from '../api/dataset-keys';

type Source = 'path' | 'archive';

/**
 * Imports a dataset (engineers): an MVTec-layout folder on the server, inside the import root, through the
 * typed API client; or a .tar / .tar.gz archive uploaded with a progress bar (bytes sent, then the server's
 * import progress from GET /api/imports while it validates and stores the images).
 */
export function ImportForm() {
  const api = useApi();
  const qc = useQueryClient();
  const [source, setSource] = useState<Source>('path');
  const [name, setName] = useState('');
  const [productLine, setProductLine] = useState('');
  const [folder, setFolder] = useState('');
  const [archive, setArchive] = useState<File | null>(null);
  const [importId, setImportId] = useState<string | null>(null);
  const [sent, setSent] = useState<{ sent: number; total: number } | null>(null);
  const [result, setResult] = useState<TImportResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const busy = importId !== null && result === null && error === null;
  // the imports list (not GET /api/imports/:id, which answers 404 until the server has registered this import)
  const progress = useQuery({
    queryKey: ['imports', 'list'],
    queryFn: () => api(listImports),
    enabled: busy,
    refetchInterval: 500,
    select: (list) => list.find((i) => i.importId === importId) ?? null,
  });

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const problems = [
      ZDatasetName.safeParse(name).success ? null : 'Name: letters, digits, space, ".", "_" or "-".',
      ZProductLine.safeParse(productLine).success ? null : 'Product line: lowercase letters, digits, "_" or "-".',
      source === 'path' && folder.trim() === '' ? 'Give the folder to import.' : null,
      source === 'archive' && !archive ? 'Choose a .tar or .tar.gz archive.' : null,
    ].filter((p): p is string => p !== null);
    if (problems.length > 0) {
      setError(problems.join(' '));
      return;
    }
    const id = crypto.randomUUID();
    setError(null);
    setResult(null);
    setSent(null);
    setImportId(id);
    try {
      let r: TImportResult;
      if (source === 'path') {
        r = await api(importDataset, { body: { path: folder.trim(), name, productLine, importId: id } });
      } else {
        const form = new FormData();
        form.set('name', name);
        form.set('productLine', productLine);
        form.set('importId', id);
        form.set('archive', archive as File);
        // the session cookie authorises it; the CSRF header is the one every state-changing call sends
        r = await uploadWithProgress('/api/datasets/upload', form, requestHeaders('POST'), (s, total) => setSent({ sent: s, total }));
      }
      setResult(r);
      await qc.invalidateQueries({ queryKey: datasetKeys.all });
    } catch (err) {
      setError((err as Error).message);
    }
  };

  return (
    <details className="card import-form" data-testid="import-form">
      <summary>Import a dataset</summary>
      <form onSubmit={submit} className="form-grid" aria-label="Import a dataset">
        <span>Source</span>
        <span className="toolbar">
          <label>
            <input type="radio" name="source" checked={source === 'path'} onChange={() => setSource('path')} /> a folder on the server
          </label>
          <label>
            <input type="radio" name="source" checked={source === 'archive'} onChange={() => setSource('archive')} /> upload an archive
          </label>
        </span>
        <label htmlFor="import-name">Name</label>
        <input id="import-name" value={name} onChange={(e) => setName(e.target.value)} placeholder="e.g. lens-2026-12" />
        <label htmlFor="import-line">Product line</label>
        <input id="import-line" value={productLine} onChange={(e) => setProductLine(e.target.value)} placeholder="e.g. lens" />
        {source === 'path' ? (
          <>
            <label htmlFor="import-folder">Folder</label>
            <span>
              <input id="import-folder" value={folder} onChange={(e) => setFolder(e.target.value)} placeholder="my-set (inside the import root)" size={40} />
              <span className="muted small">
                {' '}
                relative to the import root (<code>&lt;data&gt;/imports</code> unless <code>DEFECTLAB_IMPORT_ROOTS</code> says otherwise); MVTec layout:{' '}
                <code>train/good</code>, <code>test/good</code>, <code>test/&lt;defect type&gt;</code>, <code>ground_truth/…</code>
              </span>
            </span>
          </>
        ) : (
          <>
            <label htmlFor="import-archive">Archive</label>
            <input id="import-archive" type="file" accept=".tar,.tar.gz,.tgz,application/x-tar,application/gzip" onChange={(e) => setArchive(e.target.files?.[0] ?? null)} />
          </>
        )}
        <span />
        <span>
          <button type="submit" className="primary" disabled={busy}>
            Import
          </button>
        </span>
      </form>
      {busy && <ImportProgressBar sent={sent} progress={progress.data ?? null} />}
      {result && (
        <p role="status" className="status-ok" data-testid="import-result">
          {result.created ? 'Imported' : 'Already there:'} {result.dataset.name} ({result.dataset.productLine}), {result.stats.images} images, version{' '}
          {result.version.number}.
        </p>
      )}
      {error && (
        <p role="alert" className="status-bad">
          {error}
        </p>
      )}
    </details>
  );
}

const PHASE_TEXT: Record<TImportProgress['phase'], string> = {
  queued: 'waiting',
  scanning: 'listing files',
  validating: 'decoding and checking images',
  storing: 'storing images',
  database: 'writing the dataset',
  done: 'done',
  failed: 'failed',
};

function ImportProgressBar({ sent, progress }: { sent: { sent: number; total: number } | null; progress: TImportProgress | null }) {
  const uploading = sent !== null && sent.total > 0 && sent.sent < sent.total;
  const value = uploading ? sent.sent : (progress?.done ?? 0);
  const max = uploading ? sent.total : Math.max(1, progress?.total ?? 0);
  const text = uploading
    ? `uploading: ${Math.round((100 * sent.sent) / sent.total)} % of ${(sent.total / 1e6).toFixed(1)} MB`
    : progress
      ? `${PHASE_TEXT[progress.phase]}: ${progress.done} of ${progress.total}`
      : 'starting…';
  return (
    <p data-testid="import-progress">
      <progress value={value} max={max} aria-label="import progress" /> <span className="small">{text}</span>
    </p>
  );
}
