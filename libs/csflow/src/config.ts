/**
 * CS-Flow configuration: one zod schema holding every default (optimizer included), three presets
 * and a resolver that expands `{ preset, ...overrides }` into a fully resolved config.
 */
import { z } from 'zod';

export const CSFLOW_PRESETS = ['paper', 'seed', 'small'] as const;
export type CsflowPreset = (typeof CSFLOW_PRESETS)[number];

export const SCORE_MODES = ['mean', 'std', 'max', 'topk'] as const;
export type ScoreMode = (typeof SCORE_MODES)[number];

export const ZCsflowOptimizer = z.object({
  /** Adam learning rate (reference code: 2e-4). */
  lr: z.number().positive().default(2e-4),
  beta1: z.number().min(0).max(1).default(0.9),
  beta2: z.number().min(0).max(1).default(0.999),
  /** Adam epsilon (reference code: 1e-4). */
  eps: z.number().positive().default(1e-4),
  /** L2 weight decay added to the gradient, as torch.optim.Adam does (reference: 1e-5). */
  weightDecay: z.number().min(0).default(1e-5),
  /** Clip the global gradient norm to this value (issue 5: 1). 0 disables clipping. */
  gradClipNorm: z.number().min(0).default(1),
});

/** Every key, fully resolved. Defaults are the paper's (reference code's) values. */
export const ZCsflowConfig = z.object({
  preset: z.enum(CSFLOW_PRESETS).default('paper'),
  /** Side of the finest input image; the coarser inputs are 1/2 and 1/4 of it (paper: 768). */
  inputSize: z.number().int().positive().default(768),
  /** Backbone output used at all three scales; '' picks the layer whose finest map is closest to the paper's 24 x 24. */
  featureLayer: z.string().default(''),
  /** Channels the flow sees (paper: 304 = EfficientNet-B5 block output). */
  featureChannels: z.number().int().min(2).default(304),
  /** Hidden channels of every cross-scale subnetwork (paper: 1024). */
  hiddenChannels: z.number().int().positive().default(1024),
  /** Coupling blocks; kernelSizes must have one entry per block (paper: 4 blocks, 3,3,3,5). */
  blocks: z.number().int().positive().default(4),
  kernelSizes: z.array(z.number().int().positive()).default([3, 3, 3, 5]),
  /** Soft clamp of the log-scale: clamp * 0.636 * atan(s / clamp) (paper: 3). */
  clamp: z.number().positive().default(3),
  leakySlope: z.number().min(0).default(0.1),
  epochs: z.number().int().min(0).default(240),
  batchSize: z.number().int().positive().default(16),
  optimizer: ZCsflowOptimizer.default(() => ZCsflowOptimizer.parse({})),
  /** Image score: paper = mean of 0.5 z^2; 'std' = the seed project's variant; 'topk' = mean of the top fraction. */
  scoreMode: z.enum(SCORE_MODES).default('mean'),
  /** Fraction of per-pixel scores averaged by scoreMode 'topk'. */
  topKFraction: z.number().gt(0).max(1).default(0.01),
  /** Images per backbone call while extracting features. */
  featureBatchSize: z.number().int().positive().default(8),
  /** Training vectors sampled to fit the PCA of the 1x1 reduction (when the backbone has more channels). */
  reductionSamples: z.number().int().positive().default(20000),
  /** Epochs between checkpoints when a checkpoint directory is given. */
  checkpointEvery: z.number().int().positive().default(1),
  seed: z.number().int().default(0),
});
export type TCsflowConfig = z.infer<typeof ZCsflowConfig>;

/**
 * What a run config may contain: a preset name plus any single overrides. No defaults here (zod 4
 * applies defaults even inside optional fields, which would hide the preset's values); unknown keys
 * are rejected so a misspelt key cannot silently fall back to a default.
 */
export const ZCsflowConfigInput = z
  .object({
    preset: z.enum(CSFLOW_PRESETS),
    inputSize: z.number(),
    featureLayer: z.string(),
    featureChannels: z.number(),
    hiddenChannels: z.number(),
    blocks: z.number(),
    kernelSizes: z.array(z.number()),
    clamp: z.number(),
    leakySlope: z.number(),
    epochs: z.number(),
    batchSize: z.number(),
    optimizer: z
      .object({
        lr: z.number(),
        beta1: z.number(),
        beta2: z.number(),
        eps: z.number(),
        weightDecay: z.number(),
        gradClipNorm: z.number(),
      })
      .partial()
      .strict(),
    scoreMode: z.enum(SCORE_MODES),
    topKFraction: z.number(),
    featureBatchSize: z.number(),
    reductionSamples: z.number(),
    checkpointEvery: z.number(),
    seed: z.number(),
  })
  .partial()
  .strict();
export type TCsflowConfigInput = z.infer<typeof ZCsflowConfigInput>;

/**
 * Preset values. `paper` = the reference code; `seed` = the seed project's cut (~370 MB fp32 at 304
 * channels needs hidden ~344; we use 256 channels x 416 hidden = ~94 M parameters, ~376 MB);
 * `small` = a CPU-trainable model for development and the demo data.
 */
export const PRESETS: Record<CsflowPreset, Omit<TCsflowConfigInput, 'preset'>> = {
  paper: {},
  seed: { inputSize: 768, featureChannels: 256, hiddenChannels: 416, epochs: 240 },
  // lr 2e-3 (10x the paper): a 20-epoch schedule on ~40 images is ~60 steps; at 2e-4 the gammas
  // (initialised 0) barely leave zero.
  small: { inputSize: 128, featureChannels: 16, hiddenChannels: 32, epochs: 20, batchSize: 16, optimizer: { lr: 2e-3 } },
};

/**
 * Expands `{ preset, ...overrides }`: preset values first, then the caller's keys.
 * Throws a ZodError on invalid input.
 */
export function resolveConfig(input: unknown = {}): TCsflowConfig {
  const parsed = ZCsflowConfigInput.parse(input ?? {});
  const preset = parsed.preset ?? 'paper';
  const base = PRESETS[preset];
  const merged = {
    ...base,
    ...parsed,
    preset,
    optimizer: { ...(base.optimizer ?? {}), ...(parsed.optimizer ?? {}) },
  };
  const cfg = ZCsflowConfig.parse(merged);
  if (cfg.kernelSizes.length !== cfg.blocks) {
    if (parsed.kernelSizes) {
      throw new RangeError(`csflow config: kernelSizes has ${cfg.kernelSizes.length} entries for ${cfg.blocks} blocks`);
    }
    // Blocks overridden alone: keep the paper's pattern (3 everywhere, 5 in the last block).
    return { ...cfg, kernelSizes: Array.from({ length: cfg.blocks }, (_, i) => (i === cfg.blocks - 1 && cfg.blocks > 1 ? 5 : 3)) };
  }
  return cfg;
}

/**
 * Parameter count of the flow for a config (weights + biases + gammas), without building it.
 * Per block: two cross-scale subnetworks (one per coupling half), each with 3 input convs
 * (c_in -> hidden), 3 output convs, 2 upsampling and 2 stride-2 convs (hidden -> 2 * c_other).
 */
export function flowParameterCount(cfg: Pick<TCsflowConfig, 'featureChannels' | 'hiddenChannels' | 'kernelSizes'>): number {
  const c = cfg.featureChannels;
  const c1 = Math.floor(c / 2);
  const c2 = c - c1;
  const h = cfg.hiddenChannels;
  const subnet = (cin: number, cout: number, k: number): number =>
    3 * (cin * h * k * k + h) + 7 * (h * cout * k * k + cout) + 3;
  let total = 0;
  for (const k of cfg.kernelSizes) total += subnet(c2, 2 * c1, k) + subnet(c1, 2 * c2, k);
  return total;
}

/** The reference code's settings: the schema's defaults are the paper's values (the `paper` preset adds nothing). */
const PAPER_CONFIG: TCsflowConfig = ZCsflowConfig.parse({});

/**
 * Every training setting of `cfg` that differs from the reference code (batch size, clamp, LeakyReLU
 * slope, each Adam setting, the clipping norm), in words, e.g. "Adam lr 0.002 (paper: 0.0002)".
 * Architecture, input size and epochs are listed by the model, which knows the backbone.
 */
export function trainingDeviations(cfg: Pick<TCsflowConfig, 'batchSize' | 'clamp' | 'leakySlope' | 'optimizer'>): string[] {
  const out: string[] = [];
  const p = PAPER_CONFIG;
  if (cfg.batchSize !== p.batchSize) out.push(`batch size ${cfg.batchSize} (paper: ${p.batchSize})`);
  if (cfg.clamp !== p.clamp) out.push(`soft clamp ${cfg.clamp} (paper: ${p.clamp})`);
  if (cfg.leakySlope !== p.leakySlope) out.push(`LeakyReLU slope ${cfg.leakySlope} (paper: ${p.leakySlope})`);
  for (const key of ['lr', 'beta1', 'beta2', 'eps', 'weightDecay'] as const) {
    if (cfg.optimizer[key] !== p.optimizer[key]) out.push(`Adam ${key} ${cfg.optimizer[key]} (paper: ${p.optimizer[key]})`);
  }
  if (cfg.optimizer.gradClipNorm !== p.optimizer.gradClipNorm) {
    out.push(`gradient-norm clipping ${cfg.optimizer.gradClipNorm === 0 ? 'off' : `at ${cfg.optimizer.gradClipNorm}`} (issue 5: at ${p.optimizer.gradClipNorm})`);
  }
  return out;
}
