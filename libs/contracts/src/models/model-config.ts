/**
 * One home for a run's model config: per kind, the strict schema a submission is checked with (the API
 * answers 400 naming the field), and `resolveModelConfig`, which expands the preset and fills every default
 * once, at submission. The resolved config is stored on the run; the worker trains with it as it is.
 * `seed` lives on the run (its `seed` field), never in the model config given; the resolved config carries it.
 * `inputSize` (the square side images are resized to) lives in the model config of every kind.
 */
import { z } from 'zod';
import type { TModelKind } from '../evaluation/model-kind.schema';
import { CFA_PRESETS, ZCfaConfig, ZResolvedCfaConfig, resolveCfaConfig, type ResolvedCfaConfig } from './cfa.config';
import { CFLOW_PRESETS, ZCflowConfig, ZResolvedCflowConfig, resolveCflowConfig, type ResolvedCflowConfig } from './cflow.config';
import { FASTFLOW_PRESETS, ZFastflowConfig, ZResolvedFastflowConfig, resolveFastflowConfig, type ResolvedFastflowConfig } from './fastflow.config';
import { CSFLOW_PRESETS, ZCsflowConfig, ZCsflowConfigInput, resolveCsflowConfig, type TCsflowConfig } from './csflow.config';
import { PATCHCORE_PRESETS, ZPatchcoreConfig, ZResolvedPatchcoreConfig, resolvePatchcoreConfig, type ResolvedPatchcoreConfig } from './patchcore.config';

/** The model config of a run submission, per kind: the library's input schema without `seed` (strict). */
export const ZCsflowRunConfig = ZCsflowConfigInput.omit({ seed: true });
export const ZPatchcoreRunConfig = ZPatchcoreConfig.omit({ seed: true });
export const ZCfaRunConfig = ZCfaConfig.omit({ seed: true });
export const ZFastflowRunConfig = ZFastflowConfig.omit({ seed: true });
export const ZCflowRunConfig = ZCflowConfig.omit({ seed: true });

export const MODEL_RUN_CONFIG_SCHEMAS = {
  csflow: ZCsflowRunConfig,
  patchcore: ZPatchcoreRunConfig,
  cfa: ZCfaRunConfig,
  fastflow: ZFastflowRunConfig,
  cflow: ZCflowRunConfig,
} as const satisfies Record<TModelKind, z.ZodType>;

/** The resolved (every key filled) config schema of each kind. */
export const RESOLVED_MODEL_CONFIG_SCHEMAS = {
  csflow: ZCsflowConfig,
  patchcore: ZResolvedPatchcoreConfig,
  cfa: ZResolvedCfaConfig,
  fastflow: ZResolvedFastflowConfig,
  cflow: ZResolvedCflowConfig,
} as const satisfies Record<TModelKind, z.ZodType>;

/** The preset names of each kind, the first being the default. */
export const MODEL_PRESETS: Record<TModelKind, readonly string[]> = {
  csflow: ['paper', ...CSFLOW_PRESETS.filter((p) => p !== 'paper')],
  patchcore: Object.keys(PATCHCORE_PRESETS),
  cfa: Object.keys(CFA_PRESETS),
  fastflow: Object.keys(FASTFLOW_PRESETS),
  cflow: Object.keys(CFLOW_PRESETS),
};

export type TResolvedModelConfig = TCsflowConfig | ResolvedPatchcoreConfig | ResolvedCfaConfig | ResolvedFastflowConfig | ResolvedCflowConfig;
export interface ResolvedModelConfigs {
  csflow: TCsflowConfig;
  patchcore: ResolvedPatchcoreConfig;
  cfa: ResolvedCfaConfig;
  fastflow: ResolvedFastflowConfig;
  cflow: ResolvedCflowConfig;
}

/**
 * A run's model config with its preset expanded, every default filled and the run's `seed` applied.
 * @throws z.ZodError whose issue paths name the config field (relative to the config object)
 */
export function resolveModelConfig<K extends TModelKind>(kind: K, input: unknown, seed: number): ResolvedModelConfigs[K] {
  const k: TModelKind = kind;
  switch (k) {
    case 'csflow':
      return resolveCsflowConfig({ ...ZCsflowRunConfig.parse(input ?? {}), seed }) as ResolvedModelConfigs[K];
    case 'patchcore':
      return resolvePatchcoreConfig({ ...ZPatchcoreRunConfig.parse(input ?? {}), seed }) as ResolvedModelConfigs[K];
    case 'cfa':
      return resolveCfaConfig({ ...ZCfaRunConfig.parse(input ?? {}), seed }) as ResolvedModelConfigs[K];
    case 'fastflow':
      return resolveFastflowConfig({ ...ZFastflowRunConfig.parse(input ?? {}), seed }) as ResolvedModelConfigs[K];
    case 'cflow':
      return resolveCflowConfig({ ...ZCflowRunConfig.parse(input ?? {}), seed }) as ResolvedModelConfigs[K];
    default:
      throw new RangeError(`unknown model kind ${String(kind)}`);
  }
}

/** One scalar field of a model config, as a form shows it: its kind, bounds and options. */
export interface ModelConfigField {
  readonly name: string;
  readonly type: 'integer' | 'number' | 'boolean' | 'enum' | 'string';
  readonly minimum?: number;
  readonly maximum?: number;
  /** The bound is exclusive (e.g. `> 0`). */
  readonly exclusiveMinimum?: boolean;
  readonly options?: readonly string[];
}

interface JsonSchemaProperty {
  type?: string;
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
}

/**
 * The top-level scalar fields of a kind's run config (nested objects and arrays left to the JSON box),
 * read from the schema itself so a form shows the same bounds the API enforces. `preset` is excluded
 * (forms show it as a select of {@link MODEL_PRESETS}).
 */
export function modelConfigFields(kind: TModelKind): ModelConfigField[] {
  const json = z.toJSONSchema(MODEL_RUN_CONFIG_SCHEMAS[kind], { io: 'input', unrepresentable: 'any' }) as { properties?: Record<string, JsonSchemaProperty> };
  const out: ModelConfigField[] = [];
  for (const [name, p] of Object.entries(json.properties ?? {})) {
    if (name === 'preset') continue;
    const bounds = {
      ...(p.minimum !== undefined ? { minimum: p.minimum } : {}),
      ...(p.exclusiveMinimum !== undefined ? { minimum: p.exclusiveMinimum, exclusiveMinimum: true } : {}),
      ...(p.maximum !== undefined ? { maximum: p.maximum } : {}),
    };
    if (p.enum) out.push({ name, type: 'enum', options: p.enum.map(String) });
    else if (p.type === 'integer' || p.type === 'number') out.push({ name, type: p.type, ...bounds });
    else if (p.type === 'boolean') out.push({ name, type: 'boolean' });
    else if (p.type === 'string') out.push({ name, type: 'string' });
  }
  return out;
}
