/**
 * The per-epoch validation pass of CS-Flow training: with the training session's current parameters, the
 * mean NLL loss of the good validation images (the training loss's definition) and the image AUROC of good
 * vs defective validation images under the model's own image score (score.ts, the score the platform
 * evaluates). Recorded only: CS-Flow keeps the last epoch, as the paper does.
 *
 * One onnxruntime session per fit: the flow declared by network.ts on the reduced features, its parameters
 * promoted to graph inputs (fed each pass from the training session, so nothing is recompiled and the
 * optimizer state and the shuffling RNG are not touched); outputs the per-sample losses and the position
 * scores of the three scales.
 */
import { auroc } from '@defectlab/metrics';
import { createSession, OnnxGraphBuilder, type ExecutionProvider, type OnnxSession, type Tensor } from '@defectlab/ml-core';
import type { ScoreMode } from './config';
import { declareFlow, declareFlowSampleLosses, declarePositionScores, type FlowWeights } from './network';
import { imageScores } from './score';

/** The labelled validation features, reduced like the training features (three NCHW scales). */
export interface ValidationSet {
  /** [N, C, S, S], [N, C, S/2, S/2], [N, C, S/4, S/4] after the reduction. */
  readonly features: readonly Tensor[];
  /** Per image, in feature order: true = defective. */
  readonly defective: readonly boolean[];
  /** Epochs between passes (the last epoch always has one); 0 = never. */
  readonly every: number;
  readonly scoreMode: ScoreMode;
  readonly topKFraction: number;
  /** Images per session run. */
  readonly batchSize: number;
}

/** One validation pass's figures; null where the split lacks the images they need. */
export interface ValidationFigures {
  /** Mean training loss of the good validation images; null without good images. */
  readonly loss: number | null;
  /** Image AUROC, good vs defective; null unless both are present. */
  readonly auroc: number | null;
}

/** Whether epoch `epoch` (1-based) of `epochs` gets a validation pass. */
export function validatesAt(every: number, epoch: number, epochs: number): boolean {
  return every > 0 && (epoch % every === 0 || epoch === epochs);
}

/** The validation session of one fit (see the module comment); `release()` it in `finally`. */
export class FlowValidator {
  private constructor(
    private readonly session: OnnxSession,
    private readonly set: ValidationSet,
    private readonly paramDims: ReadonlyMap<string, readonly number[]>,
  ) {}

  /** Builds the graph for the network shape of `weights` (their values are not used: parameters are inputs). */
  static async create(weights: FlowWeights, set: ValidationSet, options: { threads: number; executionProvider?: ExecutionProvider }): Promise<FlowValidator> {
    const n = set.features[0].dims[0];
    if (set.defective.length !== n) throw new RangeError(`csflow validation: ${set.defective.length} labels for ${n} images`);
    const g = new OnnxGraphBuilder({ name: 'csflow-validation' });
    const inputs = set.features.map((f, i) => g.input(`feat${i}`, ['N', ...f.dims.slice(1)]));
    const flow = declareFlow(g, weights, inputs);
    g.output(declareFlowSampleLosses(g, flow.zs, flow.logDet, set.features.map((f) => f.dims)), 'losses', ['N']);
    declarePositionScores(g, flow.zs).forEach((p, i) => g.output(p, `pos${i}`, ['N', 1, set.features[i].dims[2], set.features[i].dims[3]]));
    const paramDims = new Map<string, readonly number[]>();
    for (const name of flow.params) paramDims.set(name, g.promoteInitializerToInput(name).dims);
    const session = await createSession(g.toBytes(), { threads: options.threads, executionProvider: options.executionProvider });
    return new FlowValidator(session, set, paramDims);
  }

  /** The figures of the network with `parameters` (by name, e.g. `TrainingSession.parameters()`). */
  async evaluate(parameters: ReadonlyMap<string, Float32Array>): Promise<ValidationFigures> {
    const params: Record<string, Tensor> = {};
    for (const [name, dims] of this.paramDims) {
      const data = parameters.get(name);
      if (!data) throw new Error(`csflow validation: no values for parameter "${name}"`);
      params[name] = { data, dims };
    }
    const { features, defective, batchSize } = this.set;
    const n = features[0].dims[0];
    const scores = new Float32Array(n);
    let lossSum = 0;
    let good = 0;
    for (let start = 0; start < n; start += batchSize) {
      const end = Math.min(n, start + batchSize);
      const feeds = Object.fromEntries(features.map((f, i) => [`feat${i}`, imagesOf(f, start, end)]));
      const out = await this.session.run({ ...params, ...feeds });
      scores.set(imageScores([out.pos0, out.pos1, out.pos2], this.set.scoreMode, this.set.topKFraction), start);
      for (let i = start; i < end; i++) {
        if (defective[i]) continue;
        lossSum += out.losses.data[i - start];
        good++;
      }
    }
    const labels = Uint8Array.from(defective, (d) => (d ? 1 : 0));
    return { loss: good > 0 ? lossSum / good : null, auroc: auroc(scores, labels) };
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}

/** Images [start, end) of an NCHW tensor (a copy). */
function imagesOf(t: Tensor, start: number, end: number): Tensor {
  const per = t.data.length / t.dims[0];
  return { data: t.data.slice(start * per, end * per), dims: [end - start, ...t.dims.slice(1)] };
}
