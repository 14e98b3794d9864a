/**
 * The New-run form's model part, generated from the model's own config schema (libs/contracts): which fields
 * to show with their bounds, what the chosen preset fills in, and the submission the API receives.
 */
import { MODEL_PRESETS, ZCreateRunInput, modelConfigFields, resolveModelConfig, type ModelConfigField, type TCreateRunInput, type TModelKind } from '@defectlab/contracts';

export interface RunFormState {
  readonly kind: TModelKind;
  readonly datasetVersionId: string;
  readonly preset: string;
  readonly backbone: string;
  readonly seed: string;
  /** Text typed into each scalar config field ('' = the preset's value). */
  readonly fields: Readonly<Record<string, string>>;
  /** JSON object of further overrides (nested keys such as `optimizer` or `layers`). */
  readonly extra: string;
}

export function initialRunForm(kind: TModelKind = 'patchcore'): RunFormState {
  return { kind, datasetVersionId: '', preset: presetsOf(kind).includes('small') ? 'small' : presetsOf(kind)[0], backbone: 'default', seed: '0', fields: {}, extra: '{}' };
}

export const presetsOf = (kind: TModelKind): readonly string[] => MODEL_PRESETS[kind];

/** A field with what the form shows beside it: the preset's value and the allowed range. */
export interface FormField extends ModelConfigField {
  /** The value the chosen preset gives the field (shown as the placeholder and the default). */
  readonly presetValue: string;
  /** e.g. "16 to 2048" or "> 0 to 1" (empty when unbounded). */
  readonly range: string;
}

/** The scalar fields of `kind`'s config, each with the value `preset` gives it. */
export function formFields(kind: TModelKind, preset: string): FormField[] {
  let resolved: Record<string, unknown> = {};
  try {
    resolved = resolveModelConfig(kind, { preset }, 0) as Record<string, unknown>;
  } catch {
    resolved = {};
  }
  return modelConfigFields(kind).map((f) => ({ ...f, presetValue: resolved[f.name] === undefined ? '' : String(resolved[f.name]), range: rangeOf(f) }));
}

function rangeOf(f: ModelConfigField): string {
  if (f.minimum === undefined && f.maximum === undefined) return '';
  const lo = f.minimum === undefined ? '' : `${f.exclusiveMinimum ? '> ' : ''}${f.minimum}`;
  const hi = f.maximum === undefined ? '' : `${f.maximum}`;
  return lo && hi ? `${lo} to ${hi}` : lo ? `at least ${lo}` : `at most ${hi}`;
}

/** The typed value of a field's text ('' = not given). */
function valueOf(f: ModelConfigField, text: string): unknown {
  if (text === '') return undefined;
  if (f.type === 'integer' || f.type === 'number') return Number(text);
  if (f.type === 'boolean') return text === 'true';
  return text;
}

export type RunFormResult = { ok: true; body: TCreateRunInput } | { ok: false; errors: Record<string, string> };

/**
 * The submission of the form, checked with ZCreateRunInput (the API's own schema). Errors are keyed by the
 * form control they belong to: `datasetVersionId`, `seed`, `preset`, a config field's name, or `config`.
 */
export function toSubmission(s: RunFormState): RunFormResult {
  let extra: Record<string, unknown>;
  try {
    extra = JSON.parse(s.extra || '{}') as Record<string, unknown>;
    if (typeof extra !== 'object' || extra === null || Array.isArray(extra)) throw new Error('not an object');
  } catch {
    return { ok: false, errors: { config: 'further overrides must be a JSON object' } };
  }
  const config: Record<string, unknown> = { preset: s.preset, ...extra };
  for (const f of modelConfigFields(s.kind)) {
    const v = valueOf(f, s.fields[f.name] ?? '');
    if (v !== undefined) config[f.name] = v;
  }
  const body = { kind: s.kind, datasetVersionId: s.datasetVersionId, backbone: s.backbone, seed: s.seed === '' ? undefined : Number(s.seed), config };
  const parsed = ZCreateRunInput.safeParse(body);
  if (parsed.success) return { ok: true, body: body as TCreateRunInput };
  const known = new Set(['preset', ...modelConfigFields(s.kind).map((f) => f.name)]);
  const errors: Record<string, string> = {};
  for (const i of parsed.error.issues) {
    const [head, field] = i.path.map(String);
    const key = head === 'config' ? (field && known.has(field) ? field : 'config') : (head ?? 'form');
    errors[key] = errors[key] ?? i.message;
  }
  return { ok: false, errors };
}
