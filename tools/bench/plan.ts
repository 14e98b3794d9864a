/**
 * What `npm run bench` measures: the full benchmark, and `--quick`, which shrinks it to finish in a few
 * minutes on a 2-core machine. Every reduction is written into the report (top level and per model), so
 * quick figures are never mistaken for full ones.
 */
import { CFLOW_PRESETS } from '@defectlab/cflow';
import { PRESETS as CSFLOW_PRESETS } from '@defectlab/csflow';
import { FASTFLOW_PRESETS } from '@defectlab/fastflow';
import type { ProductLine } from '@defectlab/datasets';
import type { DemoSpec, SubsetLimits } from './datasets';
import type { ModelSpec } from './model-bench';

export interface BenchPlan {
  readonly mode: 'full' | 'quick';
  /** null = all images of magnetic_tile */
  readonly magneticTileLimits: SubsetLimits | null;
  readonly demoLines: readonly ProductLine[];
  readonly demo: DemoSpec;
  /** Models on magnetic_tile (shared ResNet-50). */
  readonly magneticTileModels: readonly ModelSpec[];
  /** Models on each demo product line. */
  readonly demoModels: readonly ModelSpec[];
  readonly latencyRuns: number;
  readonly metricsScores: number;
  readonly backbonesQuick: boolean;
  readonly timeouts: { readonly fitMs: number; readonly evaluateMs: number; readonly latencyMs: number; readonly blockMs: number };
  /** Plan-wide reductions against the full benchmark, in words. */
  readonly reductions: readonly string[];
}

const csflowSize = (preset: 'small' | 'seed' | 'paper') => CSFLOW_PRESETS[preset].inputSize ?? 768;
const HOUR = 3_600_000;

/** Every preset of every model at its own image size (CS-Flow, FastFlow, CFlow-AD: the preset's inputSize; PatchCore and CFA: 224). */
export function fullPlan(): BenchPlan {
  const models: ModelSpec[] = [
    ...(['small', 'seed', 'paper'] as const).map((preset) => ({ model: 'csflow' as const, preset, config: { preset }, imageSize: csflowSize(preset), reductions: [] })),
    ...(['small', 'paper'] as const).map((preset) => ({ model: 'patchcore' as const, preset, config: { preset }, imageSize: 224, reductions: [] })),
    ...(['small', 'paper'] as const).map((preset) => ({ model: 'cfa' as const, preset, config: { preset }, imageSize: 224, reductions: [] })),
    ...(['small', 'seed', 'paper'] as const).map((preset) => ({ model: 'fastflow' as const, preset, config: { preset }, imageSize: FASTFLOW_PRESETS[preset].inputSize, reductions: [] })),
    ...(['small', 'seed', 'paper'] as const).map((preset) => ({ model: 'cflow' as const, preset, config: { preset }, imageSize: CFLOW_PRESETS[preset].inputSize, reductions: [] })),
  ];
  return {
    mode: 'full',
    magneticTileLimits: null,
    demoLines: ['lens', 'flex', 'smt'],
    demo: { size: 256, trainGood: 80, testGood: 30, testDefective: 30, seed: 0 },
    magneticTileModels: models,
    demoModels: models.filter((m) => m.preset === 'small'),
    latencyRuns: 20,
    metricsScores: 1_000_000,
    backbonesQuick: false,
    timeouts: { fitMs: 48 * HOUR, evaluateMs: 4 * HOUR, latencyMs: HOUR, blockMs: HOUR },
    reductions: [],
  };
}

/**
 * A few minutes on 2 cores: magnetic_tile thinned to 96 train/good, 32 test/good and 12 images per defect
 * type; small presets only, CS-Flow 3 epochs, CFA 1 epoch; demo lines at 128 px with 32/12/12 images; 10 timed
 * latency calls. Decode, backbone and metrics blocks are measured in full.
 */
export function quickPlan(): BenchPlan {
  const csflow: ModelSpec = {
    model: 'csflow',
    preset: 'small',
    config: { preset: 'small', epochs: 3 },
    imageSize: csflowSize('small'),
    reductions: ['epochs 3 instead of the preset\'s 20'],
  };
  const patchcore: ModelSpec = { model: 'patchcore', preset: 'small', config: { preset: 'small' }, imageSize: 224, reductions: [] };
  const cfa: ModelSpec = {
    model: 'cfa',
    preset: 'small',
    config: { preset: 'small', epochs: 1, imagesPerEpoch: 48 },
    imageSize: 224,
    reductions: ['epochs 1 instead of the preset\'s 5', 'imagesPerEpoch 48 (a seeded subsample per epoch) instead of all'],
  };
  const fastflow: ModelSpec = {
    model: 'fastflow',
    preset: 'small',
    config: { preset: 'small', epochs: 2 },
    imageSize: FASTFLOW_PRESETS.small.inputSize,
    reductions: [`epochs 2 instead of the preset's ${FASTFLOW_PRESETS.small.epochs}`],
  };
  const cflow: ModelSpec = {
    model: 'cflow',
    preset: 'small',
    config: { preset: 'small', metaEpochs: 1, subEpochs: 1, warmupMetaEpochs: 0 },
    imageSize: CFLOW_PRESETS.small.inputSize,
    reductions: [`1 x 1 epochs without warm-up instead of the preset's ${CFLOW_PRESETS.small.metaEpochs} x ${CFLOW_PRESETS.small.subEpochs}`],
  };
  const demoSize = 128;
  return {
    mode: 'quick',
    magneticTileLimits: { trainGood: 96, testGood: 32, testDefectivePerType: 12 },
    demoLines: ['lens', 'flex', 'smt'],
    demo: { size: demoSize, trainGood: 32, testGood: 12, testDefective: 12, seed: 0 },
    magneticTileModels: [csflow, patchcore, cfa, fastflow, cflow],
    demoModels: [csflow, { ...patchcore, imageSize: demoSize, reductions: [`image size ${demoSize} instead of 224`] }, { ...cfa, imageSize: demoSize, reductions: [...cfa.reductions, `image size ${demoSize} instead of 224`] }, fastflow, cflow],
    latencyRuns: 10,
    metricsScores: 1_000_000,
    backbonesQuick: false,
    timeouts: { fitMs: 300_000, evaluateMs: 180_000, latencyMs: 120_000, blockMs: 180_000 },
    reductions: [
      'quick mode: NOT the full benchmark',
      'magnetic_tile thinned to at most 96 train/good, 32 test/good and 12 images per defect type (see datasets[].description)',
      'only the small preset of each model (CS-Flow seed/paper and PatchCore/CFA paper are not run)',
      'CS-Flow 3 epochs, CFA 1 epoch of 48 images, FastFlow 2 epochs, CFlow-AD 1 x 1 epochs (see each model\'s reductions)',
      'demo lines at 128x128 with 32 train/good, 12 test/good, 12 defective images (full: 256x256, 80/30/30); models at 128 px',
      '10 timed latency calls per model instead of 20',
    ],
  };
}
