import type { OnnxGraphBuilder } from '../onnx';
import { appendGradients } from './autodiff';
import { countFlops, type FlopCount } from './flop-count';
import { appendOptimizer, optimizerStateNames, updatedName, type OptimizerSettings } from './optimizer-graph';
import type { ShapeMap } from './shape-inference';

export interface TrainingGraphSpec {
  /** Model name for error messages and run records. */
  readonly model: string;
  /**
   * The forward graph: data inputs as graph inputs, trainable parameters as float32 initializers
   * (the same builder `export-onnx` serialises for inference), and the scalar loss value.
   * It is modified in place (parameters become inputs, backward and update ops are appended).
   */
  readonly builder: OnnxGraphBuilder;
  readonly loss: string;
  /** Initializer names of the trainable parameters. */
  readonly params: readonly string[];
  readonly optimizer: OptimizerSettings;
  /** Sizes of symbolic input dims (batch, image size): training graphs have static shapes. */
  readonly dims?: Readonly<Record<string, number>>;
}

/** One session run of this graph = forward + backward + optimizer update. */
export interface TrainingGraph {
  readonly model: string;
  readonly bytes: Uint8Array;
  /** Parameters in order, with their dims and initial values (taken from the forward graph's initializers). */
  readonly params: readonly { readonly name: string; readonly dims: readonly number[]; readonly initial: Float32Array }[];
  /** Every state input (parameters, then optimizer state per parameter), fed back from the previous step's outputs. */
  readonly stateInputs: readonly { readonly name: string; readonly dims: readonly number[] }[];
  /** The data inputs (everything else the caller feeds per step). */
  readonly dataInputs: readonly string[];
  readonly lossOutput: string;
  readonly optimizer: OptimizerSettings;
  /** Static shapes of the forward values (FLOP counting). */
  readonly shapes: ShapeMap;
  /** Number of nodes of the forward graph (the inference graph is this prefix). */
  readonly forwardNodes: number;
  /** FLOPs of one step (forward + backward + update), counted from the graph's static shapes. */
  readonly flops: FlopCount;
}

export const LOSS_OUTPUT = 'loss';

/** Compiles a model's forward graph into its training graph (see {@link TrainingGraph}). */
export function buildTrainingGraph(spec: TrainingGraphSpec): TrainingGraph {
  const g = spec.builder;
  const forwardNodes = g.graphNodes().length;
  const dataInputs = g.inputNames();
  const params = spec.params.map((name) => {
    const { data, dims } = g.promoteInitializerToInput(name);
    return { name, dims, initial: data };
  });
  const { gradients, shapes } = appendGradients(g, { loss: spec.loss, wrt: spec.params, model: spec.model, dims: spec.dims });
  appendOptimizer(g, params, gradients, spec.optimizer);
  g.output(spec.loss, LOSS_OUTPUT, []);
  const stateInputs = [
    ...params.map((p) => ({ name: p.name, dims: p.dims })),
    ...params.flatMap((p) => optimizerStateNames(p.name, spec.optimizer).map((name) => ({ name, dims: p.dims }))),
  ];
  for (const s of stateInputs) if (!g.outputNames().includes(updatedName(s.name))) throw new Error(`buildTrainingGraph: no update output for "${s.name}"`);
  const flops = countFlops(g, spec.dims);
  return { model: spec.model, bytes: g.toBytes(), params, stateInputs, dataInputs, lossOutput: LOSS_OUTPUT, optimizer: spec.optimizer, shapes, forwardNodes, flops };
}
