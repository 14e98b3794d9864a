/**
 * Which fields of a resolved config differ from the kind's paper preset: one deviation line per run, so the
 * size dials (and any other override) are recorded for every kind, including those whose library lists only
 * fixed deviations. Operational fields that do not change the model or its training are left out.
 */
import type { TModelKind } from '../evaluation/model-kind.schema';
import { resolveModelConfig } from './model-config';

/** Fields that do not change what is trained (or are recorded elsewhere: seed, preset, crops). */
const NOT_MODEL_FIELDS = new Set([
  'seed',
  'preset',
  'threads',
  'featureCacheBytes',
  'featureBatchSize',
  'knnBatchRows',
  'knnEngine',
  'coresetEngine',
  'checkpointEvery',
  'validateEvery',
  'cropMode',
  'cropFraction',
  'cropsPerImage',
]);

/** "field value (paper: value)" for every model field of `resolved` that differs from the paper preset. */
export function paperPresetDifferences(kind: TModelKind, resolved: Readonly<Record<string, unknown>>): string[] {
  const paper = resolveModelConfig(kind, { preset: 'paper' }, 0) as Record<string, unknown>;
  const out: string[] = [];
  for (const [field, value] of Object.entries(resolved)) {
    if (NOT_MODEL_FIELDS.has(field) || !(field in paper)) continue;
    if (JSON.stringify(value) !== JSON.stringify(paper[field])) out.push(`${field} ${JSON.stringify(value)} (paper: ${JSON.stringify(paper[field])})`);
  }
  return out;
}

/** The one deviation line of a config's differences from the paper preset (none when it is the paper's). */
export function paperPresetDeviation(kind: TModelKind, resolved: Readonly<Record<string, unknown>>): string[] {
  const diffs = paperPresetDifferences(kind, resolved);
  return diffs.length === 0 ? [] : [`config differs from the paper preset: ${diffs.join(', ')}`];
}
