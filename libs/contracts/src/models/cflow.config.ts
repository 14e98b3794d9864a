/**
 * CFlow-AD configuration (Gudovskiy, Ishizaka, Kozuka, "CFLOW-AD: Real-Time Unsupervised Anomaly Detection
 * with Localization via Conditional Normalizing Flows", WACV 2022; reference: gudovskiy/cflow-ad).
 * `preset` picks the base values; any other key overrides it. Unknown keys are errors. Shrinking knobs
 * (issue 18 item 2): `layers` (feature scales), `couplingBlocks`, `hiddenRatio` (subnet width).
 */
import { z } from 'zod';
import { PAPER_CROPS, cropFieldsWithDefaults } from './training-crops';
import { stageFlowInputFields, stageFlowRunFields } from './stage-flow.fields';

export const CFLOW_PRESET_NAMES = ['paper', 'seed', 'small'] as const;
export type CflowPreset = (typeof CFLOW_PRESET_NAMES)[number];

const fields = {
  preset: z.enum(CFLOW_PRESET_NAMES),
  ...stageFlowInputFields,
  /** Dimension of the 2D sinusoidal positional encoding that conditions every coupling (reference: 128); even, a multiple of 4. */
  conditionDim: z.number().int().min(4).max(1024).multipleOf(4),
  /** Coupling blocks per stage (reference: 8). */
  couplingBlocks: z.number().int().min(1).max(64),
  /** Subnet hidden width = hiddenRatio x its input width (reference: 2, Linear(d, 2d) -> ReLU -> Linear). */
  hiddenRatio: z.number().gt(0).max(8),
  /** Affine clamp: log-scale = clamp * tanh(0.1 * s) (reference clamp_alpha: 1.9). */
  clamp: z.number().gt(0).max(100),
  /** Meta-epochs (the learning rate follows a cosine over them; reference: 25). */
  metaEpochs: z.number().int().min(1).max(10000),
  /** Passes over the training set per meta-epoch (reference: 8). */
  subEpochs: z.number().int().min(1).max(1000),
  /** Images per backbone batch (reference: 32). */
  batchSize: z.number().int().min(1).max(1024),
  /** Patch positions (fibers) per optimizer step (reference N: 256). */
  fiberBatchSize: z.number().int().min(1).max(1_000_000),
  /** Share of each image batch's positions trained on per stage (1 = all, the reference; smaller = compute saving). */
  fiberFraction: z.number().gt(0).max(1),
  /** Adam learning rate (reference: 2e-4), cosine-annealed to lr / 1000 with a 2-meta-epoch warm-up from lr / 10. */
  learningRate: z.number().gt(0).max(1),
  /** Meta-epochs of linear warm-up (reference: 2; 0 = none). */
  warmupMetaEpochs: z.number().int().min(0).max(10000),
  ...stageFlowRunFields,
};

/** Crop fields default to the paper's (none), so models saved before they existed still load. */
export const ZResolvedCflowConfig = z.strictObject({ ...fields, ...cropFieldsWithDefaults });
export type ResolvedCflowConfig = Readonly<z.infer<typeof ZResolvedCflowConfig>>;

/** A config as given: `{ preset?, ...overrides }`, every key optional, unknown keys rejected. */
export const ZCflowConfig = z.strictObject(fields).partial();
export type TCflowConfigInput = z.input<typeof ZCflowConfig>;

type PresetValues = Omit<ResolvedCflowConfig, 'preset' | 'seed'>;

/** `paper`: the reference code's defaults (L = 3, 8 blocks, P = 128, clamp 1.9, lr 2e-4, 25 x 8 epochs, N = 256). */
const PAPER: PresetValues = {
  ...PAPER_CROPS,
  inputSize: 256,
  layers: ['stage1', 'stage2_act', 'stage3_act'],
  conditionDim: 128,
  couplingBlocks: 8,
  hiddenRatio: 2,
  clamp: 1.9,
  metaEpochs: 25,
  subEpochs: 8,
  batchSize: 32,
  fiberBatchSize: 256,
  fiberFraction: 1,
  learningRate: 2e-4,
  warmupMetaEpochs: 2,
  gradClipNorm: 0,
  scoreMode: 'max',
  topKFraction: 0.01,
  featureCacheBytes: 2 ** 31,
  threads: 1,
};

export const CFLOW_PRESETS: Record<CflowPreset, PresetValues> = {
  paper: PAPER,
  /** The seed study's setting: the reference decoders with a shorter schedule (10 x 4 epochs). */
  seed: { ...PAPER, metaEpochs: 10, subEpochs: 4 },
  /** CPU-trainable: two stages, 4 blocks, hidden ratio 1, 128 px, 4 x 2 epochs on a quarter of the positions. */
  small: {
    ...PAPER,
    inputSize: 128,
    layers: ['stage1', 'stage2_act'],
    couplingBlocks: 4,
    hiddenRatio: 1,
    metaEpochs: 4,
    subEpochs: 2,
    batchSize: 8,
    fiberFraction: 0.25,
    learningRate: 1e-3,
    warmupMetaEpochs: 1,
    gradClipNorm: 1,
  },
};

/**
 * Parses a partial config, expands its preset and fills every default.
 * @throws z.ZodError naming the offending field
 */
export function resolveCflowConfig(input: TCflowConfigInput = {}): ResolvedCflowConfig {
  const parsed = ZCflowConfig.parse(input ?? {});
  const preset = parsed.preset ?? 'paper';
  const defined = Object.fromEntries(Object.entries(parsed).filter(([, v]) => v !== undefined));
  return ZResolvedCflowConfig.parse({ ...CFLOW_PRESETS[preset], seed: 0, ...defined, preset });
}
