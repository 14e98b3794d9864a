export * from './gaussian-blur';
export * from './resize-bilinear';
export * from './gaussian-blur-onnx';
