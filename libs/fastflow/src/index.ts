export { createFastflow, FastflowModel, type FastflowOptions } from './fastflow-model';
export * from './config';
export { buildFastflowOnnx } from './export-onnx';
export { parameterCountOf, type FastflowShape } from './network';
