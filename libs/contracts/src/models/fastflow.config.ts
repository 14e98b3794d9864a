/**
 * FastFlow configuration (Yu et al., "FastFlow: Unsupervised Anomaly Detection and Localization via 2D
 * Normalizing Flows", 2021; reference: anomalib's FastFlow with FrEIA's AllInOneBlock). `preset` picks the
 * base values; any other key overrides it. Unknown keys are errors. The resolved config is stored on the run.
 * Shrinking knobs (issue 18 item 2): `hiddenRatio` (channel width), `flowSteps` (coupling blocks), `layers`
 * (feature scales).
 */
import { z } from 'zod';
import { PAPER_CROPS, cropFieldsWithDefaults } from './training-crops';
import { stageFlowInputFields, stageFlowRunFields } from './stage-flow.fields';

export const FASTFLOW_PRESET_NAMES = ['paper', 'seed', 'small'] as const;
export type FastflowPreset = (typeof FASTFLOW_PRESET_NAMES)[number];

const fields = {
  preset: z.enum(FASTFLOW_PRESET_NAMES),
  ...stageFlowInputFields,
  /** Coupling blocks per stage (paper: 8 for ResNet backbones). */
  flowSteps: z.number().int().min(1).max(64),
  /** Subnet hidden channels = hiddenRatio x the subnet's input channels (paper: 1.0 for ResNet-18/WRN-50). */
  hiddenRatio: z.number().gt(0).max(4),
  /** Every subnet 3x3 (paper: false, i.e. 3x3 and 1x1 alternating). */
  conv3x3Only: z.boolean(),
  /** Affine clamp: log-scale = clamp * tanh(0.1 * s) (reference: 2). */
  clamp: z.number().gt(0).max(100),
  epochs: z.number().int().min(1).max(10000),
  batchSize: z.number().int().min(1).max(1024),
  /** Adam learning rate (reference: 1e-3). */
  learningRate: z.number().gt(0).max(1),
  /** L2 weight decay added to the gradient (torch Adam; reference: 1e-5). */
  weightDecay: z.number().min(0).max(1),
  ...stageFlowRunFields,
};

/** Crop fields default to the paper's (none), so models saved before they existed still load. */
export const ZResolvedFastflowConfig = z.strictObject({ ...fields, ...cropFieldsWithDefaults });
export type ResolvedFastflowConfig = Readonly<z.infer<typeof ZResolvedFastflowConfig>>;

/** A config as given: `{ preset?, ...overrides }`, every key optional, unknown keys rejected. */
export const ZFastflowConfig = z.strictObject(fields).partial();
export type TFastflowConfigInput = z.input<typeof ZFastflowConfig>;

type PresetValues = Omit<ResolvedFastflowConfig, 'preset' | 'seed'>;

/** `paper`: anomalib's FastFlow defaults for ResNet backbones (256 px, 8 steps, hidden ratio 1, clamp 2, Adam 1e-3 / 1e-5, batch 32, 500 epochs); 45.0 M parameters, 180 MB fp32 on the shared ResNet-50 v2 stages. */
const PAPER: PresetValues = {
  ...PAPER_CROPS,
  inputSize: 256,
  layers: ['stage1', 'stage2_act', 'stage3_act'],
  flowSteps: 8,
  hiddenRatio: 1,
  conv3x3Only: false,
  clamp: 2,
  epochs: 500,
  batchSize: 32,
  learningRate: 1e-3,
  weightDecay: 1e-5,
  gradClipNorm: 0,
  scoreMode: 'max',
  topKFraction: 0.01,
  featureCacheBytes: 2 ** 31,
  threads: 1,
};

export const FASTFLOW_PRESETS: Record<FastflowPreset, PresetValues> = {
  paper: PAPER,
  /**
   * The seed study's setting: the paper's flows (on the shared ResNet-50 v2 stages at 256 px: 45.0 M
   * parameters, 180 MB fp32, already under the study's 300-400 MB budget) with a 100-epoch schedule.
   */
  seed: { ...PAPER, epochs: 100 },
  /** CPU-trainable: two stages, 4 steps, hidden ratio 1/8, 128 px, 10 epochs, gradient clipping at 1 (1.41 M parameters, 5.6 MB fp32 on the shared backbone). */
  small: { ...PAPER, inputSize: 128, layers: ['stage1', 'stage2_act'], flowSteps: 4, hiddenRatio: 0.125, epochs: 10, batchSize: 8, gradClipNorm: 1 },
};

/**
 * Parses a partial config, expands its preset and fills every default.
 * @throws z.ZodError naming the offending field
 */
export function resolveFastflowConfig(input: TFastflowConfigInput = {}): ResolvedFastflowConfig {
  const parsed = ZFastflowConfig.parse(input ?? {});
  const preset = parsed.preset ?? 'paper';
  const defined = Object.fromEntries(Object.entries(parsed).filter(([, v]) => v !== undefined));
  return ZResolvedFastflowConfig.parse({ ...FASTFLOW_PRESETS[preset], seed: 0, ...defined, preset });
}
