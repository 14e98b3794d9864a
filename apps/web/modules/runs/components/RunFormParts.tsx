'use client';

import { MODEL_KINDS, type TModelKind } from '@defectlab/contracts';
import type { ReactNode } from 'react';
import { useDatasets } from '../../datasets/hooks/useDatasets';

/** `err(field)`: the field's error as an alert with id `${idPrefix}${field}-error` (what the control's aria-describedby names), or nothing. */
export function fieldErrors(errors: Readonly<Record<string, string>>, idPrefix = ''): (field: string) => ReactNode {
  return (f) =>
    errors[f] ? (
      <span id={`${idPrefix}${f}-error`} role="alert" className="status-bad small">
        {errors[f]}
      </span>
    ) : null;
}

/** The model kind select of the run and sweep forms. */
export function ModelKindSelect(props: { id: string; value: TModelKind; onChange: (kind: TModelKind) => void }) {
  return (
    <select id={props.id} value={props.value} onChange={(e) => props.onChange(e.target.value as TModelKind)}>
      {MODEL_KINDS.map((k) => (
        <option key={k}>{k}</option>
      ))}
    </select>
  );
}

/** The dataset version select (each dataset's head version) with its error, for the run and sweep forms. */
export function DatasetVersionSelect(props: { id: string; value: string; onChange: (datasetVersionId: string) => void; describedBy: string; error: ReactNode }) {
  const datasets = useDatasets();
  return (
    <div>
      <select id={props.id} value={props.value} onChange={(e) => props.onChange(e.target.value)} aria-describedby={props.describedBy}>
        <option value="">choose…</option>
        {datasets.data?.map((d) => (
          <option key={d.id} value={d.headVersion.id}>
            {d.name} ({d.productLine}) v{d.headVersion.number}
          </option>
        ))}
      </select>{' '}
      {props.error}
    </div>
  );
}
