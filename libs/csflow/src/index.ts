export { createCsflow, CsFlowModel, type CsflowOptions, type FeatureScores } from './csflow-model';
export { buildCsflowOnnx } from './export-onnx';
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
