export * from './float-tensors';
