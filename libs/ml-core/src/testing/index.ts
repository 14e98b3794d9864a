export * from './random-conv-extractor';
