export { CsFlowModel, type CsflowOptions, type FeatureScores } from './csflow-model';
export {
  CSFLOW_PRESETS,
  PRESETS,
  SCORE_MODES,
  ZCsflowConfig,
  ZCsflowConfigInput,
  flowParameterCount,
  resolveConfig,
  trainingDeviations,
  type CsflowPreset,
  type ScoreMode,
  type TCsflowConfig,
  type TCsflowConfigInput,
} from './config';
