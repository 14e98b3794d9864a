/**
 * FastFlow's config lives in libs/contracts (the API validates run submissions with it); re-exported here
 * with the list of deviations from the paper that a resolved config implies.
 */
import type { ResolvedFastflowConfig } from '@defectlab/contracts';

export {
  FASTFLOW_PRESETS,
  FASTFLOW_PRESET_NAMES,
  ZFastflowConfig,
  ZResolvedFastflowConfig,
  resolveFastflowConfig,
  type ResolvedFastflowConfig,
  type TFastflowConfigInput,
} from '@defectlab/contracts';

/** Deviations that hold for every FastFlow run here (see README.md). */
export const FASTFLOW_DEVIATIONS: readonly string[] = [
  'Backbone: the FeatureExtractor passed in (for the shared ResNet-50 v2: stage1, stage2_act, stage3_act, 256/512/1024 channels) where the paper uses ResNet-18 / WideResNet-50-2 layer1-3 (or CaiT / DeiT).',
  'Training on the ONNX training graph (onnxruntime-node: forward + backward + Adam in one session run), float32.',
  'Each epoch runs floor(images / batch) full batches of a seeded shuffle (the training graph has static shapes, so the last partial batch is dropped; the reference keeps it).',
  'Channel permutations are drawn from the run seed with our PRNG (the reference: numpy); weights use PyTorch\'s default Conv2d init from the same seed.',
  'No model selection on the test split: the last epoch is kept (the reference evaluates on the test set during training).',
  'Images are scored at the training size; the caller resizes (the trainer resizes to inputSize).',
];

/** Deviations of this particular config from the paper's setting. */
export function configDeviations(c: ResolvedFastflowConfig): string[] {
  const out: string[] = [];
  if (c.inputSize !== 256) out.push(`input size ${c.inputSize} (paper: 256)`);
  if (c.layers.length !== 3) out.push(`${c.layers.length} feature stages ${c.layers.join(', ')} (paper: 3)`);
  if (c.flowSteps !== 8) out.push(`${c.flowSteps} flow steps per stage (paper: 8 for ResNet backbones)`);
  if (c.hiddenRatio !== 1) out.push(`subnet hidden ratio ${c.hiddenRatio} (paper: 1.0)`);
  if (c.conv3x3Only) out.push('3x3 convolutions in every subnet (paper: alternating 3x3 / 1x1)');
  if (c.clamp !== 2) out.push(`affine clamp ${c.clamp} (reference: 2)`);
  if (c.epochs !== 500) out.push(`${c.epochs} epochs (reference: 500)`);
  if (c.gradClipNorm > 0) out.push(`gradient-norm clipping at ${c.gradClipNorm} (the reference does not clip)`);
  if (c.scoreMode !== 'max') out.push(`image score '${c.scoreMode}' of the anomaly map (reference: max)`);
  return out;
}
