/**
 * CFlow-AD's config lives in libs/contracts (the API validates run submissions with it); re-exported here
 * with the deviations from the paper that a resolved config implies.
 */
import type { ResolvedCflowConfig } from '@defectlab/contracts';

export {
  CFLOW_PRESETS,
  CFLOW_PRESET_NAMES,
  ZCflowConfig,
  ZResolvedCflowConfig,
  resolveCflowConfig,
  type ResolvedCflowConfig,
  type TCflowConfigInput,
} from '@defectlab/contracts';

/** Deviations that hold for every CFlow-AD run here (see README.md). */
export const CFLOW_DEVIATIONS: readonly string[] = [
  'Backbone: the FeatureExtractor passed in (for the shared ResNet-50 v2: stage1, stage2_act, stage3_act, 256/512/1024 channels) where the paper uses WideResNet-50-2 layer1-3 (or MobileNetV3 / ResNet-18).',
  'Training on the ONNX training graph (onnxruntime-node), float32, one graph, session and Adam state per stage decoder (the reference: one Adam over all decoders).',
  'Anomaly map: per-stage log-likelihood minus its maximum over the TRAINING images (the reference: over the test set), exponentiated, upsampled (align_corners) and summed, then negated (the reference: test max - map); rankings within a run are unchanged.',
  'Weights use PyTorch\'s default Linear init and the soft permutations Haar-random rotations (Gram-Schmidt of a Gaussian matrix), both from the run seed with our PRNG (the reference: torch / scipy special_ortho_group).',
  'No model selection on the test split: the last epoch is kept.',
  'Images are scored at the training size; the caller resizes (the trainer resizes to inputSize).',
];

export function configDeviations(c: ResolvedCflowConfig): string[] {
  const out: string[] = [];
  if (c.inputSize !== 256) out.push(`input size ${c.inputSize} (reference: 256)`);
  if (c.layers.length !== 3) out.push(`${c.layers.length} feature stages ${c.layers.join(', ')} (reference: 3)`);
  if (c.conditionDim !== 128) out.push(`positional encoding of dimension ${c.conditionDim} (reference: 128)`);
  if (c.couplingBlocks !== 8) out.push(`${c.couplingBlocks} coupling blocks per stage (reference: 8)`);
  if (c.hiddenRatio !== 2) out.push(`subnet hidden ratio ${c.hiddenRatio} (reference: 2)`);
  if (c.clamp !== 1.9) out.push(`affine clamp ${c.clamp} (reference: 1.9)`);
  if (c.metaEpochs !== 25 || c.subEpochs !== 8) out.push(`${c.metaEpochs} x ${c.subEpochs} epochs (reference: 25 x 8)`);
  if (c.fiberFraction < 1) out.push(`${c.fiberFraction} of each image batch's positions trained on per stage (reference: all)`);
  if (c.learningRate !== 2e-4 || c.warmupMetaEpochs !== 2) out.push(`learning rate ${c.learningRate} with ${c.warmupMetaEpochs} warm-up meta-epochs (reference: 2e-4, 2)`);
  if (c.gradClipNorm > 0) out.push(`gradient-norm clipping at ${c.gradClipNorm} (the reference does not clip)`);
  if (c.scoreMode !== 'max') out.push(`image score '${c.scoreMode}' of the anomaly map (reference: max)`);
  return out;
}
