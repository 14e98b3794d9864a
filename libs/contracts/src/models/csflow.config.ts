/**
 * CS-Flow configuration (Rudolph et al., "Fully Convolutional Cross-Scale-Flows for Image-based Defect
 * Detection", WACV 2022): one strict zod schema holding every default (optimizer included), three presets
 * and a resolver that expands `{ preset, ...overrides }` into a fully resolved config. libs/csflow re-exports
 * these; the API validates run submissions with them.
 */
import { z } from 'zod';
import { cropFieldsWithDefaults } from './training-crops';

export const CSFLOW_PRESETS = ['paper', 'seed', 'small'] as const;
export type CsflowPreset = (typeof CSFLOW_PRESETS)[number];

export const SCORE_MODES = ['mean', 'std', 'max', 'topk'] as const;
export type ScoreMode = (typeof SCORE_MODES)[number];

export const ZCsflowOptimizer = z.strictObject({
  /** Adam learning rate (reference code: 2e-4). */
  lr: z.number().positive().max(1).default(2e-4),
  beta1: z.number().min(0).max(1).default(0.9),
  beta2: z.number().min(0).max(1).default(0.999),
  /** Adam epsilon (reference code: 1e-4). */
  eps: z.number().positive().max(1).default(1e-4),
  /** L2 weight decay added to the gradient, as torch.optim.Adam does (reference: 1e-5). */
  weightDecay: z.number().min(0).max(1).default(1e-5),
  /** Clip the global gradient norm to this value (issue 5: 1). 0 disables clipping. */
  gradClipNorm: z.number().min(0).max(1e6).default(1),
});

/** Every key, fully resolved. Defaults are the paper's (reference code's) values. Unknown keys are errors. */
export const ZCsflowConfig = z.strictObject({
  preset: z.enum(CSFLOW_PRESETS).default('paper'),
  /** Side of the finest input image in pixels; the coarser inputs are 1/2 and 1/4 of it (paper: 768). */
  inputSize: z.number().int().min(16).max(2048).default(768),
  /** Backbone output used at all three scales; '' picks the layer whose finest map is closest to the paper's 24 x 24. */
  featureLayer: z.string().max(200).default(''),
  /** Channels the flow sees (paper: 304 = EfficientNet-B5 block output). */
  featureChannels: z.number().int().min(2).max(4096).default(304),
  /** Hidden channels of every cross-scale subnetwork (paper: 1024). */
  hiddenChannels: z.number().int().min(1).max(8192).default(1024),
  /** Coupling blocks; kernelSizes must have one entry per block (paper: 4 blocks, 3,3,3,5). */
  blocks: z.number().int().min(1).max(32).default(4),
  kernelSizes: z.array(z.number().int().min(1).max(15)).default([3, 3, 3, 5]),
  /** Soft clamp of the log-scale: clamp * 0.636 * atan(s / clamp) (paper: 3). */
  clamp: z.number().positive().max(100).default(3),
  leakySlope: z.number().min(0).max(1).default(0.1),
  epochs: z.number().int().min(0).max(10000).default(240),
  batchSize: z.number().int().min(1).max(1024).default(16),
  optimizer: ZCsflowOptimizer.default(() => ZCsflowOptimizer.parse({})),
  /** Image score: paper = mean of 0.5 z^2; 'std' = the seed project's variant; 'topk' = mean of the top fraction. */
  scoreMode: z.enum(SCORE_MODES).default('mean'),
  /** Fraction of per-pixel scores averaged by scoreMode 'topk'. */
  topKFraction: z.number().gt(0).max(1).default(0.01),
  /** Images per backbone call while extracting features. */
  featureBatchSize: z.number().int().min(1).max(1024).default(8),
  /** Training vectors sampled to fit the PCA of the 1x1 reduction (when the backbone has more channels). */
  reductionSamples: z.number().int().min(1).max(10_000_000).default(20000),
  /** Epochs between checkpoints when a checkpoint directory is given. */
  checkpointEvery: z.number().int().min(1).max(10000).default(1),
  /**
   * Epochs between validation passes when the fit is given the validation split (the last epoch is always
   * validated); 0 = never. Each pass records the validation loss (good images) and image AUROC (good vs
   * defective) with the current weights; they are recorded only, never used to pick an epoch (the paper
   * keeps the last).
   */
  validateEvery: z.number().int().min(0).max(10000).default(1),
  /** The run's seed (a run takes it from its own `seed`, not from the model config). */
  seed: z.number().int().default(0),
  /** Crop augmentation of the training images (libs/contracts training-crops.ts; paper: none). */
  ...cropFieldsWithDefaults,
});
export type TCsflowConfig = z.infer<typeof ZCsflowConfig>;

/**
 * What a config may contain: a preset name plus any single overrides, each checked against the same bounds
 * as the full schema. No defaults here (zod 4 applies defaults even inside optional fields, which would hide
 * the preset's values); unknown keys are rejected so a misspelt key cannot silently fall back to a default.
 */
export const ZCsflowConfigInput = z
  .strictObject({
    ...withoutDefaults(ZCsflowConfig.shape),
    optimizer: z.strictObject(withoutDefaults(ZCsflowOptimizer.shape)).partial(),
  })
  .partial();
export type TCsflowConfigInput = z.infer<typeof ZCsflowConfigInput>;

/** The same fields with their defaults removed (bounds kept). */
function withoutDefaults<S extends Record<string, z.ZodType>>(shape: S): { [K in keyof S]: S[K] extends z.ZodDefault<infer T> ? T : S[K] } {
  return Object.fromEntries(Object.entries(shape).map(([k, v]) => [k, v instanceof z.ZodDefault ? v.unwrap() : v])) as never;
}

/**
 * Preset values. `paper` = the reference code; `seed` = the seed project's cut (~370 MB fp32 at 304
 * channels needs hidden ~344; we use 256 channels x 416 hidden = ~94 M parameters, ~376 MB);
 * `small` = a CPU-trainable model for development and the demo data.
 */
export const CSFLOW_PRESET_VALUES: Record<CsflowPreset, Omit<TCsflowConfigInput, 'preset'>> = {
  paper: {},
  seed: { inputSize: 768, featureChannels: 256, hiddenChannels: 416, epochs: 240 },
  // lr 2e-3 (10x the paper): a 20-epoch schedule on ~40 images is ~60 steps; at 2e-4 the gammas
  // (initialised 0) barely leave zero.
  small: { inputSize: 128, featureChannels: 16, hiddenChannels: 32, epochs: 20, batchSize: 16, optimizer: { lr: 2e-3 } },
};

/**
 * Expands `{ preset, ...overrides }`: preset values first, then the caller's keys. When `blocks` is
 * overridden alone, kernelSizes follows the paper's pattern (3 everywhere, 5 in the last block).
 * @throws z.ZodError naming the offending field (kernelSizes given with the wrong length included)
 */
export function resolveCsflowConfig(input: unknown = {}): TCsflowConfig {
  const parsed = ZCsflowConfigInput.parse(input ?? {});
  const preset = parsed.preset ?? 'paper';
  const base = CSFLOW_PRESET_VALUES[preset];
  const merged = {
    ...base,
    ...parsed,
    preset,
    optimizer: { ...(base.optimizer ?? {}), ...(parsed.optimizer ?? {}) },
  };
  const cfg = ZCsflowConfig.parse(merged);
  if (cfg.kernelSizes.length === cfg.blocks) return cfg;
  if (parsed.kernelSizes) {
    throw new z.ZodError([
      {
        code: 'custom',
        path: ['kernelSizes'],
        message: `kernelSizes has ${cfg.kernelSizes.length} entries for ${cfg.blocks} blocks`,
        input: cfg.kernelSizes,
      },
    ]);
  }
  return { ...cfg, kernelSizes: Array.from({ length: cfg.blocks }, (_, i) => (i === cfg.blocks - 1 && cfg.blocks > 1 ? 5 : 3)) };
}
