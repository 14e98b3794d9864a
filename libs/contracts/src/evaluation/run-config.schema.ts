import { z } from 'zod';
import { ZModelKind } from './model-kind.schema';
import { ZSplitRule } from './split-rule.schema';

/** How every image is brought to the model's input size before fitting and scoring. */
export const ZImageInput = z.object({
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  /** `stretch` scales each axis (no defect is cropped away); `letterbox` keeps the aspect ratio and pads. */
  mode: z.enum(['stretch', 'letterbox']),
});
export type TImageInput = z.infer<typeof ZImageInput>;

/**
 * A training run as the trainer executes it, fully resolved (what `fit` records beside the model).
 * `modelConfig` is validated by the model library's own schema (the trainer's model registry), because
 * contracts must not import model code; here it is an opaque JSON object.
 */
export const ZRunConfig = z.object({
  model: ZModelKind,
  /** The model library's resolved config (preset expanded, defaults filled). */
  modelConfig: z.record(z.string(), z.unknown()),
  seed: z.number().int(),
  input: ZImageInput,
  splitRule: ZSplitRule,
  backbone: z.object({
    name: z.string(),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
    /** What the user asked for: a descriptor path, an ONNX path, a shipped name or "default". */
    requested: z.string(),
  }),
});
export type TRunConfig = z.infer<typeof ZRunConfig>;
