/**
 * PatchCore configuration (Roth et al., "Towards Total Recall in Industrial Anomaly Detection", CVPR 2022).
 * `preset` picks the base values; any other key given overrides the preset. Unknown keys are errors. The
 * resolved config (every key filled) is stored on the run and recorded with the model.
 */
import { z } from 'zod';
import { PAPER_CROPS, cropFields, cropFieldsWithDefaults } from './training-crops';

export const PATCHCORE_PRESET_NAMES = ['paper', 'small'] as const;
export type PatchcorePreset = (typeof PATCHCORE_PRESET_NAMES)[number];

const ENGINES = ['onnxruntime', 'js'] as const;

/** Every key of a resolved PatchCore config with its bounds (no defaults: the preset supplies them). */
const fields = {
  preset: z.enum(PATCHCORE_PRESET_NAMES),
  /** Square side, in pixels, images are resized to before the backbone (the reference code: 224 crop). */
  inputSize: z.number().int().min(16).max(2048),
  /** Backbone taps, fine to coarse. For the shared ResNet-50 v2 these are torchvision's layer2/layer3. */
  layers: z.array(z.string().min(1).max(200)).min(1).max(8),
  /** Local neighbourhood aggregation: average over a p x p window (stride 1, zero padding counted). */
  patchSize: z.number().int().min(1).max(15),
  /** Per-layer adaptive-average-pooling target over the channel axis ("pretrain embed dimension"). */
  preprocessingDim: z.number().int().min(1).max(8192),
  /** Final patch-feature dimension ("target embed dimension"). */
  targetDim: z.number().int().min(1).max(8192),
  /** Fraction of training patches kept in the memory bank (paper: 0.01-0.25; we allow 0.001-1). */
  coresetRatio: z.number().min(0.001).max(1),
  /** Dimension of the Johnson-Lindenstrauss random projection used only for coreset distances. */
  coresetProjectionDim: z.number().int().min(1).max(8192),
  /** Random starting points of the approximate greedy coreset. */
  coresetStartPoints: z.number().int().min(1).max(1000),
  /** Where the greedy coreset steps run: an onnxruntime mat-vec per step, or a plain JS loop. */
  coresetEngine: z.enum(ENGINES),
  /** Neighbourhood size b of the image-score re-weighting (1 = plain max of patch scores). */
  numNeighbors: z.number().int().min(1).max(1000),
  /** Gaussian sigma (in input pixels) applied to the upsampled anomaly map. */
  blurSigma: z.number().min(0).max(100),
  /** Nearest-neighbour engine: exact search as an onnxruntime MatMul+TopK graph, or a plain JS loop. */
  knnEngine: z.enum(ENGINES),
  /** Query rows per kNN call (bounds the [rows, bankSize] distance matrix). */
  knnBatchRows: z.number().int().min(1).max(1_000_000),
  /** Images per backbone call. */
  batchSize: z.number().int().min(1).max(1024),
  /** onnxruntime intra-op threads for the head and kNN sessions. */
  threads: z.number().int().min(1).max(256),
  /** The run's seed (a run takes it from its own `seed`, not from the model config). */
  seed: z.number().int(),
  /** Crop augmentation of the training images (libs/contracts training-crops.ts; paper: none). */
  ...cropFields,
};

/** A fully resolved config: what the model actually uses. */
/** Crop fields default to the paper's (none), so models saved before they existed still load. */
export const ZResolvedPatchcoreConfig = z.strictObject({ ...fields, ...cropFieldsWithDefaults });
export type ResolvedPatchcoreConfig = Readonly<z.infer<typeof ZResolvedPatchcoreConfig>>;

/** A config as given: `{ preset?, ...overrides }`, every key optional, unknown keys rejected. */
export const ZPatchcoreConfig = z.strictObject(fields).partial();
export type TPatchcoreConfigInput = z.input<typeof ZPatchcoreConfig>;

type PresetValues = Omit<ResolvedPatchcoreConfig, 'preset' | 'seed'>;

/** The published setting (paper section 4.1 / the reference implementation's MVTec defaults). */
const PAPER: PresetValues = {
  ...PAPER_CROPS,
  inputSize: 224,
  layers: ['stage2_act', 'stage3_act'],
  patchSize: 3,
  preprocessingDim: 1024,
  targetDim: 1024,
  coresetRatio: 0.1,
  coresetProjectionDim: 128,
  coresetStartPoints: 10,
  coresetEngine: 'onnxruntime',
  numNeighbors: 9,
  blurSigma: 4,
  knnEngine: 'onnxruntime',
  knnBatchRows: 1024,
  batchSize: 8,
  threads: 1,
};

export const PATCHCORE_PRESETS: Record<PatchcorePreset, PresetValues> = {
  paper: PAPER,
  /**
   * A quick run for tests and demos: 128-d features (8x fewer than the paper) and a 10 % coreset
   * (a 1 % coreset of a few dozen demo images keeps too few patches: lens AUROC fell from 1.0 to 0.94).
   */
  small: {
    ...PAPER,
    preprocessingDim: 256,
    targetDim: 128,
    coresetProjectionDim: 64,
  },
};

/**
 * Parses a partial config, expands its preset and fills every default.
 * @throws z.ZodError naming the offending field
 */
export function resolvePatchcoreConfig(input: TPatchcoreConfigInput = {}): ResolvedPatchcoreConfig {
  const parsed = ZPatchcoreConfig.parse(input ?? {});
  const preset = parsed.preset ?? 'paper';
  const defined = Object.fromEntries(Object.entries(parsed).filter(([, v]) => v !== undefined));
  return ZResolvedPatchcoreConfig.parse({ ...PATCHCORE_PRESETS[preset], seed: 0, ...defined, preset });
}
