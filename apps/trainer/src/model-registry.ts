/**
 * The models the trainer can run, behind the shared `AnomalyModel` interface (libs/ml-core). A kind is
 * registered only once its library exports a working factory; today: csflow and patchcore (libs/cfa has
 * no implementation yet). Each entry validates its config with the library's own zod schema, so an invalid
 * config fails with the field named before any work starts.
 */
import { CSFLOW_PRESETS, CsFlowModel, PRESETS as CSFLOW_PRESET_VALUES, ZCsflowConfig, ZCsflowConfigInput, resolveConfig } from '@defectlab/csflow';
import type { TModelKind } from '@defectlab/contracts';
import type { AnomalyModel, FeatureExtractor } from '@defectlab/ml-core';
import { PatchcoreModel, ZPatchcoreConfig, createPatchcore, resolvePatchcoreConfig } from '@defectlab/patchcore';
import type { z } from 'zod';
import { UserError } from './cli/user-error';

/** What the registry needs to know about the backbone to adapt a config to it. */
export interface BackboneLayers {
  readonly layers: readonly { readonly name: string; readonly stride: number }[];
  readonly defaultLayers?: readonly string[];
}

export interface ModelEntry {
  readonly kind: TModelKind;
  /** The smallest preset, for tests and quick demos. */
  readonly smallestConfig: Readonly<Record<string, unknown>>;
  /** Whether `exportOnnx` writes backbone + head as one graph (else the head alone). */
  readonly exportIncludesBackbone: boolean;
  /**
   * Validates a user config (throws UserError naming each bad field) and returns the config handed to
   * the factory: preset expanded, seed applied, adapted to the backbone's layers where needed.
   */
  resolveConfig(input: unknown, seed: number | undefined, backbone: BackboneLayers): { config: Record<string, unknown>; notes: string[] };
  /** The square side images are resized to when the run does not say. */
  defaultImageSize(config: Record<string, unknown>): number;
  create(extractor: FeatureExtractor, config: Record<string, unknown>): Promise<AnomalyModel>;
  load(dir: string, extractor: FeatureExtractor): Promise<AnomalyModel>;
}

/** Throws a UserError listing every issue of a failed zod parse as `config.<path>: message`. */
function validate<T>(schema: z.ZodType<T>, input: unknown, kind: string): T {
  const r = schema.safeParse(input ?? {});
  if (r.success) return r.data;
  const issues = r.error.issues.map((i) => `config.${i.path.join('.') || '(root)'}: ${i.message}`);
  throw new UserError(`invalid ${kind} config: ${issues.join('; ')}`);
}

function asObject(input: unknown): Record<string, unknown> {
  return input && typeof input === 'object' && !Array.isArray(input) ? (input as Record<string, unknown>) : {};
}

const csflow: ModelEntry = {
  kind: 'csflow',
  smallestConfig: { preset: 'small' },
  exportIncludesBackbone: false,
  resolveConfig(input, seed) {
    validate(ZCsflowConfigInput, input, 'csflow');
    const raw = asObject(input);
    const preset = (raw.preset as (typeof CSFLOW_PRESETS)[number] | undefined) ?? 'paper';
    const base = CSFLOW_PRESET_VALUES[preset];
    // Workaround: libs/csflow's resolveConfig lets schema defaults override preset values (zod 4 fills
    // defaults inside .partial()), so { preset: 'small' } resolves to the paper's sizes. Expanding the preset
    // here, with only the user's own keys on top, gives the intended config.
    const merged = {
      ...base,
      ...raw,
      preset,
      optimizer: { ...(base.optimizer ?? {}), ...asObject(raw.optimizer) },
      ...(seed !== undefined ? { seed } : {}),
    };
    // ZCsflowConfigInput lets some out-of-range values through (its .partial() skips the checks under
    // defaults), so the merged config is checked against the full schema too.
    validate(ZCsflowConfig, merged, 'csflow');
    try {
      return { config: { ...resolveConfig(merged) }, notes: [] };
    } catch (e) {
      throw new UserError(`invalid csflow config: ${(e as Error).message}`);
    }
  },
  defaultImageSize: (config) => Number(config.inputSize),
  create: async (extractor, config) => new CsFlowModel(extractor, config),
  load: (dir, extractor) => CsFlowModel.load(dir, extractor),
};

const patchcore: ModelEntry = {
  kind: 'patchcore',
  smallestConfig: { preset: 'small' },
  exportIncludesBackbone: true,
  resolveConfig(input, seed, backbone) {
    const parsed = validate(ZPatchcoreConfig, input, 'patchcore');
    const notes: string[] = [];
    let config: Record<string, unknown> = { ...resolvePatchcoreConfig({ ...parsed, ...(seed !== undefined ? { seed } : {}) }) };
    const known = new Set(backbone.layers.map((l) => l.name));
    const wanted = config.layers as string[];
    if (!parsed.layers && wanted.some((l) => !known.has(l))) {
      const layers = pickPatchcoreLayers(backbone);
      notes.push(`patchcore layers ${wanted.join(', ')} are not in this backbone; using ${layers.join(', ')} (its stride-8 and stride-16 taps)`);
      config = { ...config, layers };
    }
    return { config, notes };
  },
  defaultImageSize: () => 224,
  create: (extractor, config) => createPatchcore(extractor, config),
  load: (dir, extractor) => PatchcoreModel.load(dir, extractor),
};

/**
 * The mid-level taps PatchCore uses on a backbone other than the one its preset names: the first default
 * (else any) layer of stride 8 and of stride 16, else the first two default layers.
 */
export function pickPatchcoreLayers(backbone: BackboneLayers): string[] {
  const pool = backbone.defaultLayers?.length
    ? backbone.layers.filter((l) => backbone.defaultLayers?.includes(l.name))
    : backbone.layers;
  const byStride = (s: number) => pool.find((l) => l.stride === s) ?? backbone.layers.find((l) => l.stride === s);
  const picked = [byStride(8), byStride(16)].filter((l): l is { name: string; stride: number } => Boolean(l)).map((l) => l.name);
  if (picked.length === 2) return picked;
  return pool.slice(0, 2).map((l) => l.name);
}

const REGISTRY: Partial<Record<TModelKind, ModelEntry>> = { csflow, patchcore };

/** Kinds with a working implementation, in a stable order. */
export function registeredKinds(): TModelKind[] {
  return Object.keys(REGISTRY) as TModelKind[];
}

/**
 * The registry entry of a kind.
 * @throws UserError for an unknown or not yet implemented kind
 */
export function modelEntry(kind: string): ModelEntry {
  const entry = (REGISTRY as Record<string, ModelEntry | undefined>)[kind];
  if (!entry) {
    const known = registeredKinds().join(', ');
    const why = kind === 'cfa' ? 'cfa is not implemented yet (libs/cfa exports no model)' : `unknown model "${kind}"`;
    throw new UserError(`${why}; available: ${known}`);
  }
  return entry;
}

/**
 * Creates an unfitted model of `kind` on a backbone. `config` must come from the entry's `resolveConfig`.
 * The caller disposes the model (the backbone is not disposed by it).
 */
export function createModel(kind: TModelKind, featureExtractor: FeatureExtractor, config: Record<string, unknown>): Promise<AnomalyModel> {
  return modelEntry(kind).create(featureExtractor, config);
}

/** Restores a model of `kind` saved by `AnomalyModel.save(dir)`; `featureExtractor` must be its backbone. */
export function loadModel(kind: TModelKind, dir: string, featureExtractor: FeatureExtractor): Promise<AnomalyModel> {
  return modelEntry(kind).load(dir, featureExtractor);
}
