/**
 * The sweep (run group) form: a kind, a dataset version, a base config and a grid of option values, checked
 * with ZCreateRunGroupInput (the schema the API validates with), so an unknown option or an out-of-range
 * value is refused in the form, naming the field, before anything is sent.
 */
import { ZCreateRunGroupInput, gridSize, type TCreateRunGroupInput, type TModelKind } from '@defectlab/contracts';

export interface RunGroupFormState {
  readonly kind: TModelKind;
  readonly datasetVersionId: string;
  readonly name: string;
  readonly backbone: string;
  readonly seed: string;
  /** JSON object of the config every run shares (e.g. the preset). */
  readonly baseConfig: string;
  /** JSON object: option -> array of values to try. */
  readonly grid: string;
}

export function initialRunGroupForm(kind: TModelKind = 'fastflow'): RunGroupFormState {
  return { kind, datasetVersionId: '', name: '', backbone: 'default', seed: '0', baseConfig: '{"preset":"small"}', grid: '{"cropMode":["none","random"]}' };
}

export type RunGroupFormResult = { ok: true; body: TCreateRunGroupInput; runs: number } | { ok: false; errors: Record<string, string> };

/** The request body of the form, or the errors of each form field (`grid`, `baseConfig`, `seed`, ...) naming the option. */
export function toGroupSubmission(s: RunGroupFormState): RunGroupFormResult {
  const errors: Record<string, string> = {};
  const json = (text: string, field: string): unknown => {
    try {
      return JSON.parse(text);
    } catch {
      errors[field] = 'not valid JSON';
      return undefined;
    }
  };
  const grid = json(s.grid, 'grid');
  const baseConfig = json(s.baseConfig.trim() === '' ? '{}' : s.baseConfig, 'baseConfig');
  const seed = s.seed.trim() === '' ? 0 : Number(s.seed);
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  const body = {
    kind: s.kind,
    datasetVersionId: s.datasetVersionId,
    ...(s.name.trim() ? { name: s.name.trim() } : {}),
    backbone: s.backbone,
    seed,
    baseConfig,
    grid,
  };
  const parsed = ZCreateRunGroupInput.safeParse(body);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const [field, ...rest] = issue.path.map(String);
      const key = field ?? 'form';
      const line = rest.length > 0 ? `${rest.join('.')}: ${issue.message}` : issue.message;
      errors[key] = errors[key] ? `${errors[key]}; ${line}` : line;
    }
    return { ok: false, errors };
  }
  return { ok: true, body: body as TCreateRunGroupInput, runs: gridSize(parsed.data.grid) };
}
