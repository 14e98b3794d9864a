export { createPatchcore, PatchcoreModel, PATCHCORE_DEVIATIONS, type PatchcoreOptions } from './patchcore-model';
export { ZPatchcoreConfig, PATCHCORE_PRESETS, resolvePatchcoreConfig, type TPatchcoreConfigInput, type ResolvedPatchcoreConfig } from './config';
export { buildPatchcoreOnnx } from './export-onnx';
