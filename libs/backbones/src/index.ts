export * from './descriptor';
export * from './paths';
export * from './shipped';
export * from './onnx-feature-extractor';
export * from './load-backbone';
export { convertNsfwjsModel } from './nsfwjs/convert-cached';
export * from './feature-cache';
export * from './extract-features';
export * from './stage-features';
