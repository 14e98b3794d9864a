export * from './tensor';
export * from './image';
export * from './feature-extractor';
export * from './anomaly-model';
export * from './training';
export * from './onnx';
export * from './filters';
export * from './random';
