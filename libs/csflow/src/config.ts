/**
 * CS-Flow configuration: the schema, presets and resolver (in libs/contracts), plus what needs the
 * model's knowledge: the parameter count and the deviations from the reference code.
 */
import { ZCsflowConfig, type TCsflowConfig } from '@defectlab/contracts';

// The schema, presets and resolver live in libs/contracts (the API validates run submissions with them).
export {
  CSFLOW_PRESETS,
  CSFLOW_PRESET_VALUES as PRESETS,
  SCORE_MODES,
  ZCsflowConfig,
  ZCsflowConfigInput,
  ZCsflowOptimizer,
  resolveCsflowConfig as resolveConfig,
  type CsflowPreset,
  type ScoreMode,
  type TCsflowConfig,
  type TCsflowConfigInput,
} from '@defectlab/contracts';

/**
 * Parameter count of the flow for a config (weights + biases + gammas), without building it.
 * Per block: two cross-scale subnetworks (one per coupling half), each with 3 input convs
 * (c_in -> hidden), 3 output convs, 2 upsampling and 2 stride-2 convs (hidden -> 2 * c_other).
 */
export function flowParameterCount(cfg: Pick<TCsflowConfig, 'featureChannels' | 'hiddenChannels' | 'kernelSizes'>): number {
  const c = cfg.featureChannels;
  const c1 = Math.floor(c / 2);
  const c2 = c - c1;
  const h = cfg.hiddenChannels;
  const subnet = (cin: number, cout: number, k: number): number =>
    3 * (cin * h * k * k + h) + 7 * (h * cout * k * k + cout) + 3;
  let total = 0;
  for (const k of cfg.kernelSizes) total += subnet(c2, 2 * c1, k) + subnet(c1, 2 * c2, k);
  return total;
}

/** The reference code's settings: the schema's defaults are the paper's values (the `paper` preset adds nothing). */
const PAPER_CONFIG: TCsflowConfig = ZCsflowConfig.parse({});

/**
 * Every training setting of `cfg` that differs from the reference code (batch size, clamp, LeakyReLU
 * slope, each Adam setting, the clipping norm), in words, e.g. "Adam lr 0.002 (paper: 0.0002)".
 * Architecture, input size and epochs are listed by the model, which knows the backbone.
 */
export function trainingDeviations(cfg: Pick<TCsflowConfig, 'batchSize' | 'clamp' | 'leakySlope' | 'optimizer'>): string[] {
  const out: string[] = [];
  const p = PAPER_CONFIG;
  if (cfg.batchSize !== p.batchSize) out.push(`batch size ${cfg.batchSize} (paper: ${p.batchSize})`);
  if (cfg.clamp !== p.clamp) out.push(`soft clamp ${cfg.clamp} (paper: ${p.clamp})`);
  if (cfg.leakySlope !== p.leakySlope) out.push(`LeakyReLU slope ${cfg.leakySlope} (paper: ${p.leakySlope})`);
  for (const key of ['lr', 'beta1', 'beta2', 'eps', 'weightDecay'] as const) {
    if (cfg.optimizer[key] !== p.optimizer[key]) out.push(`Adam ${key} ${cfg.optimizer[key]} (paper: ${p.optimizer[key]})`);
  }
  if (cfg.optimizer.gradClipNorm !== p.optimizer.gradClipNorm) {
    out.push(`gradient-norm clipping ${cfg.optimizer.gradClipNorm === 0 ? 'off' : `at ${cfg.optimizer.gradClipNorm}`} (issue 5: at ${p.optimizer.gradClipNorm})`);
  }
  return out;
}
