/**
 * The models the trainer can run, behind the shared `AnomalyModel` interface (libs/ml-core). A kind is
 * registered only once its library exports a working factory: csflow, patchcore, cfa, fastflow and cflow. Configs arrive
 * resolved (libs/contracts `resolveModelConfig`, at submission or in the CLI): the registry only binds a
 * resolved config to the backbone it runs on, it never parses or re-expands it.
 */
import { CfaModel, CFA_PRESETS, createCfa } from '@defectlab/cfa';
import { CflowModel, CFLOW_PRESETS, createCflow } from '@defectlab/cflow';
import { FastflowModel, FASTFLOW_PRESETS, createFastflow } from '@defectlab/fastflow';
import { CsFlowModel, createCsflow } from '@defectlab/csflow';
import { resolveModelConfig, type TModelKind } from '@defectlab/contracts';
import type { AnomalyModel, FeatureExtractor } from '@defectlab/ml-core';
import { PatchcoreModel, PATCHCORE_PRESETS, createPatchcore } from '@defectlab/patchcore';
import { z } from 'zod';
import { UserError } from './user-error';

/** What the registry needs to know about the backbone to adapt a config to it. */
export interface BackboneLayers {
  readonly layers: readonly { readonly name: string; readonly stride: number }[];
  readonly defaultLayers?: readonly string[];
}

/** A resolved model config (libs/contracts `resolveModelConfig`), every key filled. */
export type ResolvedConfig = Readonly<Record<string, unknown>>;

export interface ModelEntry {
  readonly kind: TModelKind;
  /** The smallest preset, for tests and quick demos. */
  readonly smallestConfig: Readonly<Record<string, unknown>>;
  /** Whether `exportOnnx` writes backbone + head as one graph (else the head alone). */
  readonly exportIncludesBackbone: boolean;
  /**
   * Whether `fit` uses `FitOptions.validation` (CS-Flow records validation figures per epoch, CFA keeps the
   * epoch of lowest validation loss); the trainer decodes the validation split only for those.
   */
  readonly usesValidation: boolean;
  /**
   * Binds a resolved config to the backbone: a preset's layer names that this backbone lacks are replaced
   * by its taps of the same role (noted); layers the user chose that it lacks are a UserError.
   */
  bindToBackbone(config: ResolvedConfig, backbone: BackboneLayers): { config: Record<string, unknown>; notes: string[] };
  create(extractor: FeatureExtractor, config: Record<string, unknown>): Promise<AnomalyModel>;
  load(dir: string, extractor: FeatureExtractor): Promise<AnomalyModel>;
}

/**
 * The resolved config of a user's `{ preset, ...overrides }` (the CLI's `--config`), the run's seed and an
 * optional image size (`--image-size`, the config's `inputSize` when the config does not set it).
 * @throws UserError listing every invalid field as `config.<path>: message`
 */
export function resolveUserConfig(kind: TModelKind, input: unknown, seed: number, imageSize?: number): Record<string, unknown> {
  const given = (input ?? {}) as Record<string, unknown>;
  const withSize = imageSize !== undefined && typeof given === 'object' && !('inputSize' in given) ? { ...given, inputSize: imageSize } : given;
  try {
    return { ...resolveModelConfig(kind, withSize, seed) };
  } catch (e) {
    if (!(e instanceof z.ZodError)) throw e;
    const issues = e.issues.map((i) => `config.${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new UserError(`invalid ${kind} config: ${issues.join('; ')}`);
  }
}

/**
 * Keeps `config.layers` when the backbone has them all; replaces the preset's layers by `pick(backbone)`
 * when it does not (with a note); refuses layers the user chose that the backbone lacks.
 */
function bindLayers(kind: TModelKind, config: ResolvedConfig, presetLayers: readonly string[], backbone: BackboneLayers, pick: () => { layers: string[]; why: string }) {
  const wanted = config.layers as string[];
  const known = new Set(backbone.layers.map((l) => l.name));
  const missing = wanted.filter((l) => !known.has(l));
  if (missing.length === 0) return { config: { ...config }, notes: [] };
  if (wanted.join() !== presetLayers.join()) {
    throw new UserError(`invalid ${kind} config: config.layers: ${missing.join(', ')} not in this backbone (it has ${[...known].join(', ')})`);
  }
  const { layers, why } = pick();
  return { config: { ...config, layers }, notes: [`${kind} layers ${wanted.join(', ')} are not in this backbone; using ${layers.join(', ')} (${why})`] };
}

const csflow: ModelEntry = {
  kind: 'csflow',
  smallestConfig: { preset: 'small' },
  // the trainer hands models an extractor with `modelPath`, so CsFlowModel exports backbone + flow as one graph
  exportIncludesBackbone: true,
  usesValidation: true,
  // CS-Flow picks its feature layer from the backbone itself ('' = the one closest to the paper's grid)
  bindToBackbone: (config) => ({ config: { ...config }, notes: [] }),
  create: (extractor, config) => createCsflow(extractor, config),
  load: (dir, extractor) => CsFlowModel.load(dir, extractor),
};

const patchcore: ModelEntry = {
  kind: 'patchcore',
  smallestConfig: { preset: 'small' },
  exportIncludesBackbone: true,
  usesValidation: false,
  bindToBackbone(config, backbone) {
    const preset = PATCHCORE_PRESETS[config.preset as keyof typeof PATCHCORE_PRESETS];
    return bindLayers('patchcore', config, preset.layers, backbone, () => ({ layers: pickPatchcoreLayers(backbone), why: 'its stride-8 and stride-16 taps' }));
  },
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

/** The `count` finest taps of a backbone (stage-per-scale models on a backbone other than their preset's). */
function finestTaps(backbone: BackboneLayers, count: number): string[] {
  return [...backbone.layers].sort((a, b) => a.stride - b.stride).slice(0, count).map((l) => l.name);
}

/**
 * A model that taps its preset's backbone stages, fine to coarse (CFA: the first three; FastFlow and CFlow-AD:
 * their preset's list): on another backbone, as many of that backbone's finest taps.
 */
function stageTappingEntry(
  kind: TModelKind,
  presets: Readonly<Record<string, { readonly layers: readonly string[] }>>,
  create: ModelEntry['create'],
  load: ModelEntry['load'],
  usesValidation = false,
): ModelEntry {
  return {
    kind,
    smallestConfig: { preset: 'small' },
    exportIncludesBackbone: true,
    usesValidation,
    bindToBackbone(config, backbone) {
      const preset = presets[config.preset as string];
      const n = preset.layers.length;
      return bindLayers(kind, config, preset.layers, backbone, () => ({ layers: finestTaps(backbone, n), why: `its ${n === 3 ? 'three' : n} finest taps` }));
    },
    create,
    load,
  };
}

const cfa = stageTappingEntry('cfa', CFA_PRESETS, (extractor, config) => createCfa(extractor, config), (dir, extractor) => CfaModel.load(dir, extractor), true);
const fastflow = stageTappingEntry('fastflow', FASTFLOW_PRESETS, async (extractor, config) => createFastflow(extractor, config), (dir, extractor) => FastflowModel.load(dir, extractor));
const cflow = stageTappingEntry('cflow', CFLOW_PRESETS, async (extractor, config) => createCflow(extractor, config), (dir, extractor) => CflowModel.load(dir, extractor));

const REGISTRY: Partial<Record<TModelKind, ModelEntry>> = { csflow, patchcore, cfa, fastflow, cflow };

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
 * Creates an unfitted model of `kind` on a backbone. `config` must be resolved and bound to the backbone (`bindToBackbone`).
 * The caller disposes the model (the backbone is not disposed by it).
 */
export function createModel(kind: TModelKind, featureExtractor: FeatureExtractor, config: Record<string, unknown>): Promise<AnomalyModel> {
  return modelEntry(kind).create(featureExtractor, config);
}

/** Restores a model of `kind` saved by `AnomalyModel.save(dir)`; `featureExtractor` must be its backbone. */
export function loadModel(kind: TModelKind, dir: string, featureExtractor: FeatureExtractor): Promise<AnomalyModel> {
  return modelEntry(kind).load(dir, featureExtractor);
}
