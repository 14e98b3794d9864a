/**
 * CFA configuration (Lee, Lee, Song, "CFA: Coupled-hypersphere-based Feature Adaptation for
 * Target-Oriented Anomaly Localization", IEEE Access 2022). `preset` picks the base values; any other
 * key overrides the preset. Unknown keys are errors. The resolved config is stored on the run.
 */
import { z } from 'zod';
import { PAPER_CROPS, cropFields, cropFieldsWithDefaults } from './training-crops';

export const CFA_PRESET_NAMES = ['paper', 'small'] as const;
export type CfaPreset = (typeof CFA_PRESET_NAMES)[number];

/** Every key of a resolved CFA config with its bounds (no defaults: the preset supplies them). */
const fields = {
  preset: z.enum(CFA_PRESET_NAMES),
  /** Square side, in pixels, images are resized to before the backbone (the reference code: 224 crop). */
  inputSize: z.number().int().min(16).max(2048),
  /** The first three backbone stages, fine to coarse (for the shared ResNet-50 v2: stage1, stage2_act, stage3_act). */
  layers: z.array(z.string().min(1).max(200)).min(1).max(8),
  /** Descriptor output = input channels / gammaD (paper: 1). */
  gammaD: z.number().int().min(1).max(1024),
  /** Memory bank size = positions / gammaC via k-means (paper: 1 = no k-means). */
  gammaC: z.number().int().min(1).max(1024),
  /** k-means iterations when gammaC > 1. */
  kmeansIterations: z.number().int().min(1).max(10000),
  /** K nearest centres attracted (and used by the score). */
  K: z.number().int().min(1).max(100),
  /** J hard negatives repelled (the next J nearest centres). */
  J: z.number().int().min(0).max(100),
  /** Initial radius r of the hyperspheres (a learned parameter). */
  radius: z.number().min(0).max(1e6),
  /** Margin alpha of the repulsive term. */
  alpha: z.number().min(0).max(1e6),
  /** nu of the soft boundary (loss scale 1/nu). */
  nu: z.number().positive().max(1e6),
  epochs: z.number().int().min(1).max(10000),
  batchSize: z.number().int().min(1).max(1024),
  learningRate: z.number().positive().max(1),
  weightDecay: z.number().min(0).max(1),
  amsgrad: z.boolean(),
  /** Images drawn (seeded, without replacement) per training epoch; 0 = all (the paper). The memory bank always uses all. */
  imagesPerEpoch: z.number().int().min(0).max(10_000_000),
  /** Stop when the validation loss has not improved for this many epochs (0 = never; needs validation images). */
  patience: z.number().int().min(0).max(10000),
  /** Gaussian sigma (pixels) applied to the upsampled anomaly map. */
  blurSigma: z.number().min(0).max(100),
  /** Keep the training features in memory between epochs when they take at most this many bytes. */
  featureCacheBytes: z.number().int().min(0).max(2 ** 40),
  /** onnxruntime intra-op threads for the feature and scoring sessions. */
  threads: z.number().int().min(1).max(256),
  /** The run's seed (a run takes it from its own `seed`, not from the model config). */
  seed: z.number().int(),
  /** Crop augmentation of the training images (libs/contracts training-crops.ts; paper: none). */
  ...cropFields,
};

/** A fully resolved config: what the model actually uses. */
/** Crop fields default to the paper's (none), so models saved before they existed still load. */
export const ZResolvedCfaConfig = z.strictObject({ ...fields, ...cropFieldsWithDefaults });
export type ResolvedCfaConfig = Readonly<z.infer<typeof ZResolvedCfaConfig>>;

/** A config as given: `{ preset?, ...overrides }`, every key optional, unknown keys rejected. */
export const ZCfaConfig = z.strictObject(fields).partial();
export type TCfaConfigInput = z.input<typeof ZCfaConfig>;

type PresetValues = Omit<ResolvedCfaConfig, 'preset' | 'seed'>;

/** `paper`: the reference code's defaults (WRN50-2 setting: gamma_c = gamma_d = 1, K = J = 3, r = 1e-5, alpha = 0.1, nu = 1e-3, AdamW 1e-3 / 5e-4 amsgrad, batch 4, 30 epochs). */
const PAPER: PresetValues = {
  ...PAPER_CROPS,
  inputSize: 224,
  layers: ['stage1', 'stage2_act', 'stage3_act'],
  gammaD: 1,
  gammaC: 1,
  kmeansIterations: 100,
  K: 3,
  J: 3,
  radius: 1e-5,
  alpha: 0.1,
  nu: 1e-3,
  epochs: 30,
  batchSize: 4,
  learningRate: 1e-3,
  weightDecay: 5e-4,
  amsgrad: true,
  imagesPerEpoch: 0,
  patience: 0,
  blurSigma: 4,
  featureCacheBytes: 2 ** 31,
  threads: 1,
};

export const CFA_PRESETS: Record<CfaPreset, PresetValues> = {
  paper: PAPER,
  /** Quick runs for tests and demos: an 8x narrower descriptor, 4x fewer centres (k-means), 5 epochs. */
  small: {
    ...PAPER,
    gammaD: 8,
    gammaC: 4,
    kmeansIterations: 30,
    epochs: 5,
  },
};

/**
 * Parses a partial config, expands its preset and fills every default.
 * @throws z.ZodError naming the offending field
 */
export function resolveCfaConfig(input: TCfaConfigInput = {}): ResolvedCfaConfig {
  const parsed = ZCfaConfig.parse(input ?? {});
  const preset = parsed.preset ?? 'paper';
  const defined = Object.fromEntries(Object.entries(parsed).filter(([, v]) => v !== undefined));
  return ZResolvedCfaConfig.parse({ ...CFA_PRESETS[preset], seed: 0, ...defined, preset });
}
