/**
 * `@defectlab/cfa/parts`: the pieces below the model interface (the loss declared as ONNX ops, the
 * descriptor's coordinates), for the TensorFlow.js reference of tools/bench/tfjs-reference and its
 * parity specs. Apps use `@defectlab/cfa`.
 */
export { declareCfaLoss, type CfaLossParams } from './network';
export { gridCoordinates } from './descriptor';
