export { createCfa, CfaModel, CFA_DEVIATIONS, type CfaOptions } from './model';
export { ZCfaConfig, CFA_PRESETS, resolveCfaConfig, type TCfaConfigInput, type ResolvedCfaConfig } from './config';
export { buildCfaOnnx } from './export-onnx';
