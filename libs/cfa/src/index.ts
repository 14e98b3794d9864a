export { createCfa, CfaModel, type CfaOptions } from './cfa-model';
export { ZCfaConfig, CFA_PRESETS, CFA_DEVIATIONS, resolveCfaConfig, type TCfaConfigInput, type ResolvedCfaConfig } from './config';
export { buildCfaOnnx } from './export-onnx';
