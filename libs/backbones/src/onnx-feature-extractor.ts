import * as ort from 'onnxruntime-node';
import type { FeatureExtractor, InputNormalization, LayerInfo, Tensor } from '@defectlab/ml-core';

export interface ExtractorSessionOptions {
  /** Intra-op threads (default 1; on a shared 2-core machine more rarely helps: measure with the bench). */
  readonly threads?: number;
  /** onnxruntime execution providers in order of preference (default ['cpu']; e.g. ['cuda', 'cpu'] where installed). */
  readonly executionProviders?: readonly string[];
}

let openExtractors = 0;

/** Extractors opened by `OnnxFeatureExtractor.create` and not yet disposed (for leak tests). */
export function openExtractorCount(): number {
  return openExtractors;
}

/**
 * A frozen backbone run by onnxruntime-node. Input [N, 3, H, W] float32 (normalised per `normalization`);
 * output one [N, C, H/stride, W/stride] tensor per requested layer (exact sizes follow the graph's padding).
 */
export class OnnxFeatureExtractor implements FeatureExtractor {
  private disposed = false;

  private constructor(
    readonly name: string,
    readonly sha256: string,
    readonly layers: readonly LayerInfo[],
    readonly normalization: InputNormalization,
    readonly runtime: string,
    /** The ONNX file run (its bytes hash to `sha256`): models export backbone + head from it. */
    readonly modelPath: string | undefined,
    private readonly inputName: string,
    private readonly session: ort.InferenceSession,
  ) {}

  /** Opens a session on ONNX bytes or a file. `sha256` must be the (already verified) hash of those bytes. */
  static async create(args: {
    name: string;
    sha256: string;
    model: Uint8Array | string;
    layers: readonly LayerInfo[];
    normalization: InputNormalization;
    inputName: string;
    /** File holding exactly `model`'s bytes, when there is one. */
    modelPath?: string;
    options?: ExtractorSessionOptions;
  }): Promise<OnnxFeatureExtractor> {
    const providers = [...(args.options?.executionProviders ?? ['cpu'])];
    const sessionOptions: ort.InferenceSession.SessionOptions = {
      executionProviders: providers,
      intraOpNumThreads: args.options?.threads ?? 1,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
      logSeverityLevel: 3,
    };
    const session =
      typeof args.model === 'string'
        ? await ort.InferenceSession.create(args.model, sessionOptions)
        : await ort.InferenceSession.create(args.model, sessionOptions);
    openExtractors++;
    try {
      if (!session.inputNames.includes(args.inputName)) {
        throw new Error(`${args.name}: graph has no input "${args.inputName}" (inputs: ${session.inputNames.join(', ')})`);
      }
      const missing = args.layers.filter((l) => !session.outputNames.includes(l.name)).map((l) => l.name);
      if (missing.length > 0) {
        throw new Error(`${args.name}: graph lacks outputs ${missing.join(', ')} (has: ${session.outputNames.join(', ')})`);
      }
    } catch (e) {
      openExtractors--;
      await session.release();
      throw e;
    }
    const runtime = `onnxruntime-node ${ort.env.versions.node} ${providers.join('+')} (${sessionOptions.intraOpNumThreads} intra-op threads)`;
    return new OnnxFeatureExtractor(args.name, args.sha256, args.layers, args.normalization, runtime, args.modelPath, args.inputName, session);
  }

  /**
   * Runs the backbone on a batch.
   * @param batch [N, 3, H, W] float32, normalised with `this.normalization`.
   * @param layers names from `this.layers` (each computed once even if repeated).
   * @returns layer name -> [N, C, h, w] float32.
   */
  async extract(batch: Tensor, layers: readonly string[]): Promise<Record<string, Tensor>> {
    if (this.disposed) throw new Error(`${this.name}: extractor already disposed`);
    if (batch.dims.length !== 4 || batch.dims[1] !== 3) {
      throw new RangeError(`${this.name}: expected a [N, 3, H, W] batch, got [${batch.dims.join(', ')}]`);
    }
    const known = new Set(this.layers.map((l) => l.name));
    const wanted = [...new Set(layers)];
    if (wanted.length === 0) throw new RangeError(`${this.name}: no layers requested`);
    for (const l of wanted) if (!known.has(l)) throw new RangeError(`${this.name}: unknown layer "${l}" (known: ${[...known].join(', ')})`);
    const input = new ort.Tensor('float32', batch.data, [...batch.dims]);
    const results = await this.session.run({ [this.inputName]: input }, wanted);
    const out: Record<string, Tensor> = {};
    for (const name of wanted) {
      const v = results[name];
      try {
        out[name] = { data: v.data as Float32Array, dims: [...v.dims] };
      } finally {
        v.dispose();
      }
    }
    return out;
  }

  /** Releases the native session. Idempotent. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    openExtractors--;
    await this.session.release();
  }
}
