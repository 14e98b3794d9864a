/**
 * PatchCore's config lives in libs/contracts (the API validates run submissions with it); re-exported here
 * so the model code and its users keep one import.
 */
export {
  PATCHCORE_PRESETS,
  ZPatchcoreConfig,
  ZResolvedPatchcoreConfig,
  resolvePatchcoreConfig,
  type ResolvedPatchcoreConfig,
  type TPatchcoreConfigInput,
} from '@defectlab/contracts';
