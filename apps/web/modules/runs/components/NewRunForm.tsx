'use client';

import { MODEL_KINDS, ZCreateRunInput, type TModelKind } from '@defectlab/contracts';
import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import { useDatasets } from '../../datasets/hooks/useDatasets';
import { useCreateRun } from '../hooks/useRun';

/** Submit a run; the input is checked with ZCreateRunInput, the same schema the API validates with. */
export function NewRunForm() {
  const datasets = useDatasets();
  const create = useCreateRun();
  const router = useRouter();
  const [kind, setKind] = useState<TModelKind>('patchcore');
  const [versionId, setVersionId] = useState('');
  const [preset, setPreset] = useState('small');
  const [backbone, setBackbone] = useState('default');
  const [seed, setSeed] = useState('0');
  const [imageSize, setImageSize] = useState('');
  const [extra, setExtra] = useState('{}');
  const [errors, setErrors] = useState<Record<string, string>>({});

  const submit = (e: FormEvent) => {
    e.preventDefault();
    let overrides: Record<string, unknown> = {};
    try {
      overrides = JSON.parse(extra || '{}') as Record<string, unknown>;
    } catch {
      setErrors({ config: 'config overrides must be a JSON object' });
      return;
    }
    const candidate = {
      kind,
      datasetVersionId: versionId,
      backbone,
      seed: seed === '' ? undefined : Number(seed),
      imageSize: imageSize === '' ? undefined : Number(imageSize),
      config: { ...(preset ? { preset } : {}), ...overrides },
    };
    const parsed = ZCreateRunInput.safeParse(candidate);
    if (!parsed.success) {
      setErrors(Object.fromEntries(parsed.error.issues.map((i) => [String(i.path[0] ?? 'form'), i.message])));
      return;
    }
    setErrors({});
    create.mutate(candidate, { onSuccess: (run) => router.push(`/runs/${run.id}`) });
  };

  const err = (f: string) =>
    errors[f] ? (
      <span id={`${f}-error`} role="alert" className="status-bad small">
        {errors[f]}
      </span>
    ) : null;

  return (
    <form className="card form-grid" onSubmit={submit} aria-label="New run" noValidate>
      <label htmlFor="kind">Model</label>
      <select id="kind" value={kind} onChange={(e) => setKind(e.target.value as TModelKind)}>
        {MODEL_KINDS.map((k) => (
          <option key={k}>{k}</option>
        ))}
      </select>
      <label htmlFor="version">Dataset version</label>
      <div>
        <select id="version" value={versionId} onChange={(e) => setVersionId(e.target.value)} aria-describedby="datasetVersionId-error">
          <option value="">choose…</option>
          {datasets.data?.map((d) => (
            <option key={d.id} value={d.headVersion.id}>
              {d.name} ({d.productLine}) v{d.headVersion.number}
            </option>
          ))}
        </select>{' '}
        {err('datasetVersionId')}
      </div>
      <label htmlFor="preset">Preset</label>
      <input id="preset" value={preset} onChange={(e) => setPreset(e.target.value)} />
      <label htmlFor="backbone">Backbone</label>
      <div>
        <input id="backbone" value={backbone} onChange={(e) => setBackbone(e.target.value)} aria-describedby="backbone-error" /> {err('backbone')}
      </div>
      <label htmlFor="seed">Seed</label>
      <div>
        <input id="seed" inputMode="numeric" value={seed} onChange={(e) => setSeed(e.target.value)} aria-describedby="seed-error" /> {err('seed')}
      </div>
      <label htmlFor="imageSize">Image size (px, optional)</label>
      <div>
        <input id="imageSize" inputMode="numeric" value={imageSize} onChange={(e) => setImageSize(e.target.value)} aria-describedby="imageSize-error" />{' '}
        {err('imageSize')}
      </div>
      <label htmlFor="config">Config overrides (JSON)</label>
      <div>
        <textarea id="config" rows={3} value={extra} onChange={(e) => setExtra(e.target.value)} aria-describedby="config-error" /> {err('config')}
      </div>
      <div />
      <div>
        <button type="submit" className="primary" disabled={create.isPending}>
          {create.isPending ? 'Submitting…' : 'Start run'}
        </button>{' '}
        {create.isError && (
          <span role="alert" className="status-bad">
            {create.error.message}
          </span>
        )}
      </div>
    </form>
  );
}
