/**
 * `@defectlab/csflow/parts`: the pieces below the model interface (network declaration, training graph,
 * export, scores), for the tools that check or time them: the TensorFlow.js reference of
 * tools/bench/tfjs-reference (its parity specs and its train-step timing). Apps use `@defectlab/csflow`.
 */
export {
  declareFlow,
  declareFlowLoss,
  flowParameters,
  initFlowWeights,
  SOFT_CLAMP_FACTOR,
  toOnnxFilter,
  withParameters,
  type ConvWeights,
  type FlowShape,
  type FlowWeights,
  type SubnetWeights,
} from './network';
export { buildFlowTrainingGraph, type FlowOptimizer } from './train';
export { buildFlowOnnx } from './export-onnx';
export { imageScores, positionScores } from './score';
export type { Reduction } from './reduction';
