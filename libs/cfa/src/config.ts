/**
 * CFA's config lives in libs/contracts (the API validates run submissions with it); re-exported here so
 * the model code and its users keep one import.
 */
export { CFA_PRESETS, ZCfaConfig, ZResolvedCfaConfig, resolveCfaConfig, type ResolvedCfaConfig, type TCfaConfigInput } from '@defectlab/contracts';
