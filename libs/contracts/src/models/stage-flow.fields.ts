/**
 * The config fields FastFlow and CFlow-AD share (both: one normalizing flow per backbone stage, trained on
 * the ONNX training graph), as zod fragments spread into each model's schema at the same place, so key
 * order (and with it the stored resolved config and checkpoint identity) is as before.
 */
import { z } from 'zod';
import { cropFields } from './training-crops';
import { SCORE_MODES } from './csflow.config';

/** Image size and stages, right after `preset`. */
export const stageFlowInputFields = {
  /** Square side, in pixels, images are resized to before the backbone (both references: 256). */
  inputSize: z.number().int().min(16).max(2048),
  /** Backbone stages with one flow each, fine to coarse (references: layer1-3; shared ResNet-50 v2: stage1, stage2_act, stage3_act). */
  layers: z.array(z.string().min(1).max(200)).min(1).max(4),
};

/** Gradient clipping, scoring, caching, threads, seed and crops, the last fields of both schemas. */
export const stageFlowRunFields = {
  /** Clip the global gradient norm (0 = off; the references do not clip). */
  gradClipNorm: z.number().min(0).max(1e6),
  /** Image score from the anomaly map (references: max). */
  scoreMode: z.enum(SCORE_MODES),
  /** Fraction of the map's pixels averaged by scoreMode 'topk' (ceil, at least 1 pixel). */
  topKFraction: z.number().gt(0).max(1),
  /** Keep the training features in memory when they take at most this many bytes (else re-extract per batch). */
  featureCacheBytes: z.number().int().min(0).max(2 ** 40),
  /** onnxruntime intra-op threads for training and scoring sessions. */
  threads: z.number().int().min(1).max(256),
  /** The run's seed (a run takes it from its own `seed`, not from the model config). */
  seed: z.number().int(),
  /** Crop augmentation of the training images (libs/contracts training-crops.ts; paper: none). */
  ...cropFields,
};
