export { createCflow, CflowModel, type CflowOptions } from './cflow-model';
export * from './config';
export { buildCflowOnnx } from './export-onnx';
export { parameterCountOf, type CflowShape } from './network';
export { positionalEncoding2d } from './positional-encoding';
