export * from './init-training-backend';
export { registerWasmGradKernels } from './wasm-grad-kernels';
