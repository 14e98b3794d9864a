import { z } from 'zod';

/**
 * PatchCore configuration (Roth et al., "Towards Total Recall in Industrial Anomaly Detection", CVPR 2022).
 * `preset` picks the base values; any other key given overrides the preset. The resolved config
 * (every key filled) is recorded with the run.
 */
export const ZPatchcoreConfig = z.object({
  preset: z.enum(['paper', 'small']).default('paper'),
  /** Backbone taps, fine to coarse. For the shared ResNet-50 v2 these are torchvision's layer2/layer3. */
  layers: z.array(z.string()).min(1).optional(),
  /** Local neighbourhood aggregation: average over a p x p window (stride 1, zero padding counted). */
  patchSize: z.number().int().min(1).optional(),
  /** Per-layer adaptive-average-pooling target over the channel axis ("pretrain embed dimension"). */
  preprocessingDim: z.number().int().min(1).optional(),
  /** Final patch-feature dimension ("target embed dimension"). */
  targetDim: z.number().int().min(1).optional(),
  /** Fraction of training patches kept in the memory bank (paper: 0.01-0.25; we allow 0.001-1). */
  coresetRatio: z.number().min(0.001).max(1).optional(),
  /** Dimension of the Johnson-Lindenstrauss random projection used only for coreset distances. */
  coresetProjectionDim: z.number().int().min(1).optional(),
  /** Random starting points of the approximate greedy coreset. */
  coresetStartPoints: z.number().int().min(1).optional(),
  /** Neighbourhood size b of the image-score re-weighting (1 = plain max of patch scores). */
  numNeighbors: z.number().int().min(1).optional(),
  /** Gaussian sigma (in input pixels) applied to the upsampled anomaly map. */
  blurSigma: z.number().min(0).optional(),
  /** Where the greedy coreset steps run: an onnxruntime mat-vec per step, or a plain JS loop. */
  coresetEngine: z.enum(['onnxruntime', 'js']).optional(),
  /** Nearest-neighbour engine: exact search as an onnxruntime MatMul+TopK graph, or a plain JS loop. */
  knnEngine: z.enum(['onnxruntime', 'js']).optional(),
  /** Query rows per kNN call (bounds the [rows, bankSize] distance matrix). */
  knnBatchRows: z.number().int().min(1).optional(),
  /** Images per backbone call. */
  batchSize: z.number().int().min(1).optional(),
  /** onnxruntime intra-op threads for the head and kNN sessions. */
  threads: z.number().int().min(1).optional(),
  seed: z.number().int().default(0),
});
export type TPatchcoreConfigInput = z.input<typeof ZPatchcoreConfig>;

/** Every key filled: what the model actually uses. */
export interface ResolvedPatchcoreConfig {
  readonly preset: 'paper' | 'small';
  readonly layers: readonly string[];
  readonly patchSize: number;
  readonly preprocessingDim: number;
  readonly targetDim: number;
  readonly coresetRatio: number;
  readonly coresetProjectionDim: number;
  readonly coresetStartPoints: number;
  readonly coresetEngine: 'onnxruntime' | 'js';
  readonly numNeighbors: number;
  readonly blurSigma: number;
  readonly knnEngine: 'onnxruntime' | 'js';
  readonly knnBatchRows: number;
  readonly batchSize: number;
  readonly threads: number;
  readonly seed: number;
}

type PresetValues = Omit<ResolvedPatchcoreConfig, 'preset' | 'seed'>;

/** The published setting (paper section 4.1 / the reference implementation's MVTec defaults). */
const PAPER: PresetValues = {
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

export const PATCHCORE_PRESETS: Record<'paper' | 'small', PresetValues> = {
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

/** Parses a partial config, expands its preset and fills every default. */
export function resolvePatchcoreConfig(input: TPatchcoreConfigInput = {}): ResolvedPatchcoreConfig {
  const parsed = ZPatchcoreConfig.parse(input);
  const base = PATCHCORE_PRESETS[parsed.preset];
  const defined = Object.fromEntries(Object.entries(parsed).filter(([, v]) => v !== undefined));
  return { ...base, ...defined } as ResolvedPatchcoreConfig;
}
