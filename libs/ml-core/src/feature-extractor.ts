import type { Tensor } from './tensor';

/** One tap of a backbone: its output name, channel count and stride relative to the input. */
export interface LayerInfo {
  readonly name: string;
  readonly channels: number;
  readonly stride: number;
}

/** Per-channel input normalisation applied after scaling RGB to [0, 1]. */
export interface InputNormalization {
  readonly mean: readonly [number, number, number];
  readonly std: readonly [number, number, number];
}

/**
 * A frozen, pretrained feature extractor (implemented by libs/backbones).
 * Input: a normalised NCHW float32 batch [N, 3, H, W]. Output: one NCHW tensor per requested layer.
 */
export interface FeatureExtractor {
  /** Descriptor name, e.g. "resnet50v2-stage1to3". */
  readonly name: string;
  /** sha256 of the ONNX graph actually run. */
  readonly sha256: string;
  readonly layers: readonly LayerInfo[];
  readonly normalization: InputNormalization;
  /** Execution provider / runtime used, e.g. "onnxruntime-node 1.30.0 cpu". */
  readonly runtime: string;
  /**
   * Path of the ONNX graph actually run (the file `sha256` describes), when the extractor is one:
   * models read it to export backbone + head as one self-contained graph. Its input is the normalised
   * batch; its outputs are named after `layers`.
   */
  readonly modelPath?: string;
  extract(batch: Tensor, layers: readonly string[]): Promise<Record<string, Tensor>>;
  dispose(): Promise<void>;
}
