'use client';

import { ApiRequestError, type TCreateRunGroupInput } from '@defectlab/contracts';
import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import { useCreateRunGroup } from '../hooks/useRunGroups';
import { DatasetVersionSelect, fieldErrors, ModelKindSelect } from './RunFormParts';
import { initialRunGroupForm, toGroupSubmission, type RunGroupFormState } from '../lib/run-group-form';

/**
 * Start a sweep (run group): one model kind over a grid of config options on one dataset version. The grid is
 * checked with the API's own schema before sending (an unknown option or out-of-range value is named here);
 * when the server answers that the grid has more runs than its limit, the form asks for a confirmation and
 * only then sends `confirm: true`.
 */
export function NewRunGroupForm() {
  const create = useCreateRunGroup();
  const router = useRouter();
  const [form, setForm] = useState<RunGroupFormState>(() => initialRunGroupForm());
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [pending, setPending] = useState<{ body: TCreateRunGroupInput; message: string } | null>(null);
  const set = (patch: Partial<RunGroupFormState>) => {
    setPending(null);
    setForm((f) => ({ ...f, ...patch }));
  };

  const send = (body: TCreateRunGroupInput) =>
    create.mutate(body, {
      onSuccess: (group) => router.push(`/runs/groups/${group.id}`),
      onError: (e) => {
        if (e instanceof ApiRequestError && e.body.code === 'CONFIRMATION_REQUIRED') setPending({ body, message: e.body.message });
      },
    });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const r = toGroupSubmission(form);
    if (!r.ok) {
      setErrors(r.errors);
      return;
    }
    setErrors({});
    send(r.body);
  };

  const err = fieldErrors(errors, 'group-');

  return (
    <form className="card form-grid" onSubmit={submit} aria-label="New sweep" noValidate>
      <label htmlFor="group-kind">Model</label>
      <ModelKindSelect id="group-kind" value={form.kind} onChange={(kind) => set({ kind })} />
      <label htmlFor="group-version">Dataset version</label>
      <DatasetVersionSelect id="group-version" value={form.datasetVersionId} onChange={(datasetVersionId) => set({ datasetVersionId })} describedBy="group-datasetVersionId-error" error={err('datasetVersionId')} />
      <label htmlFor="group-name">Name</label>
      <div>
        <input id="group-name" value={form.name} onChange={(e) => set({ name: e.target.value })} aria-describedby="group-name-error" /> {err('name')}
      </div>
      <label htmlFor="group-seed">Seed</label>
      <div>
        <input id="group-seed" inputMode="numeric" value={form.seed} onChange={(e) => set({ seed: e.target.value })} aria-describedby="group-seed-error" /> {err('seed')}
      </div>
      <label htmlFor="group-base">Base config (JSON, shared by every run)</label>
      <div>
        <textarea id="group-base" rows={2} value={form.baseConfig} onChange={(e) => set({ baseConfig: e.target.value })} aria-describedby="group-baseConfig-error" /> {err('baseConfig')}
      </div>
      <label htmlFor="group-grid">Grid (JSON: option → values)</label>
      <div>
        <textarea id="group-grid" rows={3} value={form.grid} onChange={(e) => set({ grid: e.target.value })} aria-describedby="group-grid-error" /> {err('grid')}
      </div>
      <div />
      <div>
        <button type="submit" className="primary" disabled={create.isPending}>
          {create.isPending ? 'Starting…' : 'Start sweep'}
        </button>{' '}
        {err('kind')}
        {create.isError && !pending && (
          <span role="alert" className="status-bad">
            {create.error.message}
          </span>
        )}
      </div>
      {pending && (
        <div role="alertdialog" aria-labelledby="group-confirm-text" className="card" style={{ gridColumn: '1 / -1' }}>
          <p id="group-confirm-text">{pending.message.replace(/; send confirm: true to start them all$/, '')}. Start them all?</p>
          <button type="button" className="primary" onClick={() => send({ ...pending.body, confirm: true })} disabled={create.isPending}>
            Start all runs
          </button>{' '}
          <button type="button" onClick={() => setPending(null)}>
            Cancel
          </button>
        </div>
      )}
    </form>
  );
}
