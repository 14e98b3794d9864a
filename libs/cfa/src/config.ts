/**
 * CFA's config lives in libs/contracts (the API validates run submissions with it); re-exported here so
 * the model code and its users keep one import.
 */
export { CFA_PRESETS, ZCfaConfig, ZResolvedCfaConfig, resolveCfaConfig, type ResolvedCfaConfig, type TCfaConfigInput } from '@defectlab/contracts';

/** Every deliberate difference from the paper / reference code, recorded in each FitReport (README: Deviations). */
export const CFA_DEVIATIONS: readonly string[] = [
  'Backbone: whatever FeatureExtractor is passed in; with the shared ResNet-50 v2 we use stage1 (raw residual output: the pre-activation net has no BN+ReLU there), stage2_act and stage3_act where the paper uses WideResNet-50-2 layer1-3 (1792 channels either way).',
  'Model selection never looks at the test split (the reference code keeps the epoch with the best test AUROC): with validation images the epoch of lowest validation loss (same soft-boundary loss on normal validation images) is kept, and `patience` can stop early; without them the last epoch is kept.',
  'Training batches are shuffled with a seeded generator (with imagesPerEpoch > 0 each epoch draws that many images, a compute-saving option the paper does not have); the descriptor is initialised like PyTorch Conv2d (uniform +-1/sqrt(fan_in)) from the seed.',
  'k-means (gammaC > 1) is one seeded k-means++ run of Lloyd iterations (the reference: sklearn KMeans).',
  'No resize/center-crop inside the model: callers pass images of one size; the exported graph expects that size (coordinate channels are baked in for the training grid).',
  'The reference min-max rescales anomaly maps over the whole test set before computing AUROC; we do not (it needs test data and does not change rankings).',
  'Hard negatives are the (K+1)..(K+J)-th nearest centres as in the paper (the reference slices dist[:, :, J:], identical for K = J = 3).',
  'Training (descriptor + loss + backward + AdamW/AMSGrad in one ONNX training graph) and inference run on onnxruntime-node in float32, not PyTorch.',
];
