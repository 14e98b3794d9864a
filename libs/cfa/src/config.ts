import { z } from 'zod';

/**
 * CFA configuration (Lee, Lee, Song, "CFA: Coupled-hypersphere-based Feature Adaptation for
 * Target-Oriented Anomaly Localization", IEEE Access 2022). `preset` picks the base values; any other
 * key overrides the preset. The resolved config is recorded with the run.
 */
export const ZCfaConfig = z.object({
  preset: z.enum(['paper', 'small']).default('paper'),
  /** The first three backbone stages, fine to coarse (for the shared ResNet-50 v2: stage1, stage2_act, stage3_act). */
  layers: z.array(z.string()).min(1).optional(),
  /** Descriptor output = input channels / gammaD (paper: 1). */
  gammaD: z.number().int().min(1).optional(),
  /** Memory bank size = positions / gammaC via k-means (paper: 1 = no k-means). */
  gammaC: z.number().int().min(1).optional(),
  /** k-means iterations when gammaC > 1. */
  kmeansIterations: z.number().int().min(1).optional(),
  /** K nearest centres attracted (and used by the score). */
  K: z.number().int().min(1).optional(),
  /** J hard negatives repelled (the next J nearest centres). */
  J: z.number().int().min(0).optional(),
  /** Initial radius r of the hyperspheres (a learned parameter). */
  radius: z.number().min(0).optional(),
  /** Margin alpha of the repulsive term. */
  alpha: z.number().min(0).optional(),
  /** nu of the soft boundary (loss scale 1/nu). */
  nu: z.number().positive().optional(),
  epochs: z.number().int().min(1).optional(),
  batchSize: z.number().int().min(1).optional(),
  learningRate: z.number().positive().optional(),
  weightDecay: z.number().min(0).optional(),
  amsgrad: z.boolean().optional(),
  /** Images drawn (seeded, without replacement) per training epoch; 0 = all (the paper). The memory bank always uses all. */
  imagesPerEpoch: z.number().int().min(0).optional(),
  /** Stop when the validation loss has not improved for this many epochs (0 = never; needs validation images). */
  patience: z.number().int().min(0).optional(),
  /** Gaussian sigma (pixels) applied to the upsampled anomaly map. */
  blurSigma: z.number().min(0).optional(),
  /** Keep the training features in memory between epochs when they take at most this many bytes. */
  featureCacheBytes: z.number().int().min(0).optional(),
  /** onnxruntime intra-op threads for the feature and scoring sessions. */
  threads: z.number().int().min(1).optional(),
  seed: z.number().int().default(0),
});
export type TCfaConfigInput = z.input<typeof ZCfaConfig>;

export interface ResolvedCfaConfig {
  readonly preset: 'paper' | 'small';
  readonly layers: readonly string[];
  readonly gammaD: number;
  readonly gammaC: number;
  readonly kmeansIterations: number;
  readonly K: number;
  readonly J: number;
  readonly radius: number;
  readonly alpha: number;
  readonly nu: number;
  readonly epochs: number;
  readonly batchSize: number;
  readonly learningRate: number;
  readonly weightDecay: number;
  readonly amsgrad: boolean;
  readonly imagesPerEpoch: number;
  readonly patience: number;
  readonly blurSigma: number;
  readonly featureCacheBytes: number;
  readonly threads: number;
  readonly seed: number;
}

type PresetValues = Omit<ResolvedCfaConfig, 'preset' | 'seed'>;

/** `paper`: the reference code's defaults (WRN50-2 setting: gamma_c = gamma_d = 1, K = J = 3, r = 1e-5, alpha = 0.1, nu = 1e-3, AdamW 1e-3 / 5e-4 amsgrad, batch 4, 30 epochs). */
const PAPER: PresetValues = {
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

export const CFA_PRESETS: Record<'paper' | 'small', PresetValues> = {
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

/** Parses a partial config, expands its preset and fills every default. */
export function resolveCfaConfig(input: TCfaConfigInput = {}): ResolvedCfaConfig {
  const parsed = ZCfaConfig.parse(input);
  const defined = Object.fromEntries(Object.entries(parsed).filter(([, v]) => v !== undefined));
  return { ...CFA_PRESETS[parsed.preset], ...defined } as ResolvedCfaConfig;
}
