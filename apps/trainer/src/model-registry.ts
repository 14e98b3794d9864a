/**
 * The models the trainer can run, behind the shared `AnomalyModel` interface (libs/ml-core). A kind is
 * registered only once its library exports a working factory: csflow, patchcore and cfa. Each entry validates
 * its config with the library's own zod schema, so an invalid config fails with the field named before any
 * work starts.
 */
import { CfaModel, ZCfaConfig, createCfa, resolveCfaConfig } from '@defectlab/cfa';
import { CsFlowModel, ZCsflowConfigInput, resolveConfig } from '@defectlab/csflow';
import type { TModelKind } from '@defectlab/contracts';
import type { AnomalyModel, FeatureExtractor } from '@defectlab/ml-core';
import { PatchcoreModel, ZPatchcoreConfig, createPatchcore, resolvePatchcoreConfig } from '@defectlab/patchcore';
import { z } from 'zod';
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

/** A UserError listing every issue of a failed zod parse as `config.<path>: message`. */
function configError(kind: string, error: z.ZodError): UserError {
  const issues = error.issues.map((i) => `config.${i.path.join('.') || '(root)'}: ${i.message}`);
  return new UserError(`invalid ${kind} config: ${issues.join('; ')}`);
}

/** Parses `input` with `schema`, throwing {@link configError} on failure. */
function validate<T>(schema: z.ZodType<T>, input: unknown, kind: string): T {
  const r = schema.safeParse(input ?? {});
  if (r.success) return r.data;
  throw configError(kind, r.error);
}

const csflow: ModelEntry = {
  kind: 'csflow',
  smallestConfig: { preset: 'small' },
  // the trainer hands models an extractor with `modelPath`, so CsFlowModel exports backbone + flow as one graph
  exportIncludesBackbone: true,
  resolveConfig(input, seed) {
    const parsed = validate(ZCsflowConfigInput, input, 'csflow');
    // libs/csflow expands the preset (user keys on top) and checks the merged config against the full schema
    try {
      return { config: { ...resolveConfig({ ...parsed, ...(seed !== undefined ? { seed } : {}) }) }, notes: [] };
    } catch (e) {
      if (e instanceof z.ZodError) throw configError('csflow', e);
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

const cfa: ModelEntry = {
  kind: 'cfa',
  smallestConfig: { preset: 'small' },
  exportIncludesBackbone: true,
  resolveConfig(input, seed, backbone) {
    const parsed = validate(ZCfaConfig, input, 'cfa');
    const notes: string[] = [];
    let config: Record<string, unknown> = { ...resolveCfaConfig({ ...parsed, ...(seed !== undefined ? { seed } : {}) }) };
    const known = new Set(backbone.layers.map((l) => l.name));
    const wanted = config.layers as string[];
    if (!parsed.layers && wanted.some((l) => !known.has(l))) {
      // CFA uses the first three stages, fine to coarse: on another backbone, its three finest taps
      const layers = [...backbone.layers].sort((a, b) => a.stride - b.stride).slice(0, 3).map((l) => l.name);
      notes.push(`cfa layers ${wanted.join(', ')} are not in this backbone; using ${layers.join(', ')} (its three finest taps)`);
      config = { ...config, layers };
    }
    return { config, notes };
  },
  defaultImageSize: () => 224,
  create: (extractor, config) => createCfa(extractor, config),
  load: (dir, extractor) => CfaModel.load(dir, extractor),
};

const REGISTRY: Partial<Record<TModelKind, ModelEntry>> = { csflow, patchcore, cfa };

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
    throw new UserError(`unknown model "${kind}"; available: ${known}`);
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
