import type { DecodedImage } from './image';
import type { Tensor } from './tensor';

export type ModelKind = 'csflow' | 'patchcore' | 'cfa' | 'fastflow' | 'cflow';

/** A progress report emitted during `fit`. All fields but `phase` are optional. */
export interface FitProgress {
  readonly phase: 'features' | 'train' | 'coreset' | 'memory-bank' | 'export';
  readonly epoch?: number;
  readonly epochs?: number;
  readonly step?: number;
  readonly steps?: number;
  readonly loss?: number;
  /** Samples (images or feature maps) per second over the last interval. */
  readonly throughput?: number;
  /** Estimated seconds left for the whole fit. */
  readonly etaSeconds?: number;
  readonly message?: string;
}

/** One image of the run's validation split with its label (the trainer decodes it at the scoring input size, never cropped). */
export interface ValidationImage {
  readonly image: DecodedImage;
  /** true for a defective image, false for a good one. */
  readonly defective: boolean;
}

export interface FitOptions {
  readonly onProgress?: (p: FitProgress) => void;
  /** Aborting stops training at the next step with an AbortError. */
  readonly signal?: AbortSignal;
  /** Directory for checkpoints; when it holds one, training resumes from it. */
  readonly checkpointDir?: string;
  /**
   * The validation split, labelled (good, and defective where the split rule moves test defects there); never
   * the test split. Models use it as they document: CFA keeps the epoch of lowest loss on the good images;
   * CS-Flow records a validation loss (good images) and image AUROC (good vs defective) per epoch without
   * using them to choose; the others ignore it.
   */
  readonly validation?: readonly ValidationImage[];
  /** Intra-op threads of training (default: the cores given to the worker; env DEFECTLAB_TRAIN_THREADS overrides). */
  readonly threads?: number;
  /** Where training runs: 'auto' (default) takes CUDA when its provider is installed, else the CPU. */
  readonly executionProvider?: 'auto' | 'cpu' | 'cuda' | 'webgpu';
  /** One-line log messages (e.g. which execution provider was chosen and why). */
  readonly log?: (line: string) => void;
}

export interface FitReport {
  /** The fully resolved config (preset expanded, defaults filled), to be recorded with the run. */
  readonly resolvedConfig: Record<string, unknown>;
  /** Training backend, e.g. "onnxruntime-node 1.30.0 (cpu, 2 threads)". */
  readonly backend: string;
  readonly seed: number;
  readonly wallSeconds: number;
  readonly epochsRun?: number;
  readonly finalLoss?: number;
  /** Every deliberate deviation from the published method, in words. */
  readonly deviations: readonly string[];
  /** The engine that trained the model: e.g. onnxruntime-node 1.30.0, execution provider cpu, 2 threads. */
  readonly engine?: { readonly engine: string; readonly executionProvider: string; readonly threads: number };
}

/** Output of `score`: one score per image and one anomaly map per image at input resolution. */
export interface ScoreResult {
  /** Image scores, length N. Higher = more anomalous. */
  readonly imageScores: Float32Array;
  /** Anomaly maps [N, 1, H, W], each at the size of its image (H, W of the scored batch). */
  readonly anomalyMaps: Tensor;
}

/**
 * The interface every model library exposes (DESIGN.md section 2), so that the trainer,
 * the benchmark and the tests treat models alike.
 */
export interface AnomalyModel {
  readonly kind: ModelKind;
  fit(trainImages: readonly DecodedImage[], options?: FitOptions): Promise<FitReport>;
  /** Scores images of one common size (callers resize first). */
  score(images: readonly DecodedImage[]): Promise<ScoreResult>;
  /** Writes weights + config into `dir` (created if missing). */
  save(dir: string): Promise<void>;
  /** Writes a self-contained ONNX graph (backbone + head) to `file`; returns its byte size. */
  exportOnnx(file: string): Promise<number>;
  /** Bytes of the inference artifact, backbone excluded. */
  sizeBytes(): number;
  dispose(): Promise<void>;
}
