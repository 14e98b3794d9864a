'use client';

import { useRouter } from 'next/navigation';
import { useMemo, useState, type FormEvent } from 'react';
import { useCreateRun } from '../hooks/useRun';
import { DatasetVersionSelect, fieldErrors, ModelKindSelect } from './RunFormParts';
import { formFields, initialRunForm, presetsOf, toSubmission, type FormField, type RunFormState } from '../lib/run-form';

/**
 * Submit a run. The model part is generated from the model's own config schema (libs/contracts): a preset
 * select, then every scalar field with its bounds and the preset's value; the input is checked with
 * ZCreateRunInput, the same schema the API validates with.
 */
export function NewRunForm() {
  const create = useCreateRun();
  const router = useRouter();
  const [form, setForm] = useState<RunFormState>(() => initialRunForm());
  const [errors, setErrors] = useState<Record<string, string>>({});
  const fields = useMemo(() => formFields(form.kind, form.preset), [form.kind, form.preset]);
  const set = (patch: Partial<RunFormState>) => setForm((f) => ({ ...f, ...patch }));

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const r = toSubmission(form);
    if (!r.ok) {
      setErrors(r.errors);
      return;
    }
    setErrors({});
    create.mutate(r.body, { onSuccess: (run) => router.push(`/runs/${run.id}`) });
  };

  const err = fieldErrors(errors);

  return (
    <form className="card form-grid" onSubmit={submit} aria-label="New run" noValidate>
      <label htmlFor="kind">Model</label>
      <ModelKindSelect id="kind" value={form.kind} onChange={(kind) => setForm({ ...initialRunForm(kind), datasetVersionId: form.datasetVersionId, backbone: form.backbone, seed: form.seed })} />
      <label htmlFor="version">Dataset version</label>
      <DatasetVersionSelect id="version" value={form.datasetVersionId} onChange={(datasetVersionId) => set({ datasetVersionId })} describedBy="datasetVersionId-error" error={err('datasetVersionId')} />
      <label htmlFor="preset">Preset</label>
      <div>
        <select id="preset" value={form.preset} onChange={(e) => set({ preset: e.target.value })} aria-describedby="preset-error">
          {presetsOf(form.kind).map((p) => (
            <option key={p}>{p}</option>
          ))}
        </select>{' '}
        {err('preset')}
      </div>
      <label htmlFor="backbone">Backbone</label>
      <div>
        <input id="backbone" value={form.backbone} onChange={(e) => set({ backbone: e.target.value })} aria-describedby="backbone-error" /> {err('backbone')}
      </div>
      <label htmlFor="seed">Seed</label>
      <div>
        <input id="seed" inputMode="numeric" value={form.seed} onChange={(e) => set({ seed: e.target.value })} aria-describedby="seed-error" /> {err('seed')}
      </div>
      <ModelConfigInputs fields={fields} values={form.fields} onChange={(name, value) => set({ fields: { ...form.fields, [name]: value } })} err={err} />
      <label htmlFor="config">Further overrides (JSON)</label>
      <div>
        <textarea id="config" rows={3} value={form.extra} onChange={(e) => set({ extra: e.target.value })} aria-describedby="config-error" /> {err('config')}
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

/** One labelled control per scalar config field: empty = the preset's value (shown as the placeholder). */
export function ModelConfigInputs(props: {
  fields: readonly FormField[];
  values: Readonly<Record<string, string>>;
  onChange: (name: string, value: string) => void;
  err: (field: string) => React.ReactNode;
}) {
  return (
    <>
      {props.fields.map((f) => {
        const id = `config-${f.name}`;
        const value = props.values[f.name] ?? '';
        const hint = [`preset: ${f.presetValue}`, f.range].filter(Boolean).join('; ');
        return (
          <div key={f.name} style={{ display: 'contents' }}>
            <label htmlFor={id}>
              {f.name} <span className="muted small">({hint})</span>
            </label>
            <div>
              {f.type === 'enum' || f.type === 'boolean' ? (
                <select id={id} value={value} onChange={(e) => props.onChange(f.name, e.target.value)} aria-describedby={`${f.name}-error`}>
                  <option value="">{`preset (${f.presetValue})`}</option>
                  {(f.type === 'boolean' ? ['true', 'false'] : (f.options ?? [])).map((o) => (
                    <option key={o}>{o}</option>
                  ))}
                </select>
              ) : (
                <input
                  id={id}
                  type={f.type === 'string' ? 'text' : 'number'}
                  inputMode={f.type === 'integer' ? 'numeric' : f.type === 'number' ? 'decimal' : undefined}
                  min={f.minimum}
                  max={f.maximum}
                  step={f.type === 'integer' ? 1 : 'any'}
                  placeholder={f.presetValue}
                  value={value}
                  onChange={(e) => props.onChange(f.name, e.target.value)}
                  aria-describedby={`${f.name}-error`}
                />
              )}{' '}
              {props.err(f.name)}
            </div>
          </div>
        );
      })}
    </>
  );
}
