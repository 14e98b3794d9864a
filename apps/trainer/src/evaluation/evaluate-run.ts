/**
 * `evaluate`: reopens a fitted run, scores its validation and test splits, fits thresholds on validation
 * and reports them on test, measures latency and size, and returns (optionally writes) an evaluation
 * report that validates against the contracts' ZEvaluationReport. The CLI and the worker call this.
 */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ZEvaluationReport, type TEvaluationReport } from '@defectlab/contracts';
import type { AnomalyModel, DecodedImage } from '@defectlab/ml-core';
import { figuresFromScores, operatingPointSpecs, type IntervalMethod, type OperatingPointTargets } from '@defectlab/metrics';
import { UserError } from '../user-error';
import { describeMachine, runtimeVersions } from '@defectlab/ml-core';
import { modelEntry } from '../model-registry';
import { loadInputImage } from '../run/load-images';
import type { Log } from '../run/progress';
import { loadRun } from '../run/load-run';
import { ONNX_FILE, type TRunManifest } from '../run/run-manifest';
import type { ResolvedBackbone } from '../backbone/resolve-backbone';
import { describeSplitRule, readAndSplit, splitCounts } from '../run/split';
import { measureLatency } from './measure-latency';
import { scoreSplit } from './score-split';
import { toOperatingPoint } from './to-operating-point';

export interface EvaluateRunOptions {
  /** The --out folder of a fit. */
  readonly modelDir: string;
  /** MVTec-layout folder (normally the one the model was fitted on). */
  readonly data: string;
  /** Write the report here as JSON. */
  readonly json?: string;
  readonly targets?: OperatingPointTargets;
  /**
   * Override the share of test defects moved to validation (the fitted rule's otherwise). Only the
   * defective share may change: the good share decides the training images.
   */
  readonly validationDefectShare?: number;
  readonly latencyRuns?: number;
  readonly latencyWarmup?: number;
  readonly intervalMethod?: IntervalMethod;
  readonly proFprLimit?: number;
  readonly backboneCacheDir?: string;
}

/** What the evaluation may tell its caller while it scores (the worker's job process listens). */
export interface EvaluateHooks {
  /** Images scored so far of a split. */
  readonly onScored?: (split: 'validation' | 'test', done: number, total: number) => void;
  /** Each validation and test image's anomaly map, from the one scoring pass (e.g. to write PNGs). */
  readonly onMap?: (relPath: string, map: Float32Array) => Promise<void>;
}

/**
 * `evaluate` as the CLI runs it: reopens the fitted run from its folder, then {@link evaluateFitted}.
 * @throws UserError for bad input
 */
export async function evaluateRun(options: EvaluateRunOptions, log: Log): Promise<TEvaluationReport> {
  const run = await loadRun(options.modelDir, options.backboneCacheDir);
  try {
    return await evaluateFitted(run, options, log);
  } finally {
    await run.dispose();
  }
}

/**
 * Evaluates a fitted model held in memory: each split is scored once; figures are on the test split,
 * thresholds fitted on validation (and one oracle point on test, labelled as such). The caller keeps the
 * model (and disposes it).
 * @throws UserError for bad input
 */
export async function evaluateFitted(
  fitted: { readonly manifest: TRunManifest; readonly model: AnomalyModel; readonly backbone: ResolvedBackbone },
  options: EvaluateRunOptions,
  log: Log,
  hooks: EvaluateHooks = {},
): Promise<TEvaluationReport> {
  const started = Date.now();
  const { manifest, model, backbone } = fitted;
  const rc = manifest.runConfig;
  const entry = modelEntry(rc.model);
  const rule = { ...rc.splitRule };
  if (options.validationDefectShare !== undefined) {
    if (!(options.validationDefectShare >= 0 && options.validationDefectShare <= 1)) {
      throw new UserError(`--validation-defect-share ${options.validationDefectShare}: must be a fraction in [0, 1]`);
    }
    rule.validationFractionDefective = options.validationDefectShare;
  }
  const splits = await readAndSplit(options.data, rule);
  const counts = splitCounts(splits);
  if (splits.test.length === 0) throw new UserError(`--data ${options.data}: the split leaves no test images`);
  if (counts.train !== manifest.dataset.counts.train) {
    log(`warning: ${counts.train} training images under this split, the fit used ${manifest.dataset.counts.train}: is --data the folder the model was fitted on?`);
  }
  const withMasks = splits.test.some((r) => r.maskPath !== null);
  log(`evaluate ${rc.model} from ${options.modelDir}: validation ${counts.validationGood}+${counts.validationDefective}, test ${counts.testGood}+${counts.testDefective}${withMasks ? ' (with masks)' : ''}`);
  const val = await scoreSplit(model, splits.validation, rc.input, { keepMaps: false, name: 'validation', log, onMap: hooks.onMap, onScored: (d, n) => hooks.onScored?.('validation', d, n) });
  const test = await scoreSplit(model, splits.test, rc.input, { keepMaps: withMasks, name: 'test', log, onMap: hooks.onMap, onScored: (d, n) => hooks.onScored?.('test', d, n) });

  const proFprLimit = options.proFprLimit ?? 0.3;
  const figures = figuresFromScores(val, test, {
    points: operatingPointSpecs(options.targets),
    intervals: { method: options.intervalMethod ?? 'clopper-pearson' },
    pixels: test.pixels,
    proFprLimit,
  });
  const pixel = figures.pixel ?? { pixelAuroc: null, pixelAurocMethod: null, pro: null };
  test.pixels.length = 0;

  log('measuring latency (batch 1)');
  const latencyImages: DecodedImage[] = [];
  for (const r of splits.test.slice(0, 5)) latencyImages.push(await loadInputImage(r, rc.input));
  const latencyMs = await measureLatency(model, latencyImages, options.latencyRuns ?? 20, options.latencyWarmup ?? 3);
  const sizeBytes = await onnxSize(model, options.modelDir, manifest.onnx?.file);

  const machine = describeMachine();
  const report: TEvaluationReport = {
    format: 'defectlab-evaluation/1',
    imageAuroc: figures.imageAuroc,
    pixelAuroc: pixel.pixelAuroc,
    pixelAurocMethod: pixel.pixelAurocMethod,
    pro: pixel.pro,
    proFprLimit,
    validationImageAuroc: figures.validationImageAuroc,
    operatingPoints: figures.points.map(toOperatingPoint),
    omittedOperatingPoints: figures.omitted,
    latencyMs,
    sizeBytes,
    exportIncludesBackbone: entry.exportIncludesBackbone,
    headSizeBytes: model.sizeBytes(),
    backboneSizeBytes: backbone.sizeBytes,
    backend: manifest.fit.backend,
    inferenceRuntime: `backbone: ${backbone.extractor.runtime}; head: ${rc.model} score() in this process`,
    model: {
      kind: rc.model,
      config: manifest.fit.resolvedConfig,
      seed: rc.seed,
      backbone: { name: rc.backbone.name, sha256: rc.backbone.sha256 },
      input: rc.input,
      deviations: [...manifest.fit.deviations, ...manifest.fit.notes],
    },
    dataset: { path: path.resolve(options.data), splitRule: rule, splitRuleText: describeSplitRule(rule, counts), counts },
    machine: { cpu: machine.cpuModel, cores: machine.logicalCores, memoryBytes: machine.memoryBytes, platform: machine.platform, arch: machine.arch, node: machine.node },
    runtimeVersions: runtimeVersions(),
    predictions: [
      ...splits.validation.map((r, i) => ({ relPath: r.relPath, split: 'validation' as const, label: r.label, defectType: r.defectType, score: val.scores[i] })),
      ...splits.test.map((r, i) => ({ relPath: r.relPath, split: 'test' as const, label: r.label, defectType: r.defectType, score: test.scores[i] })),
    ],
    wallSeconds: (Date.now() - started) / 1000,
    createdAt: new Date().toISOString(),
  };
  const checked = ZEvaluationReport.parse(report);
  if (options.json) {
    await fs.mkdir(path.dirname(path.resolve(options.json)), { recursive: true });
    await fs.writeFile(options.json, JSON.stringify(checked, null, 2));
    log(`wrote ${path.resolve(options.json)}`);
  }
  return checked;
}

/** Bytes of the fitted ONNX export; when fit could not write it, exports now into a temp folder. */
async function onnxSize(model: AnomalyModel, modelDir: string, file: string | undefined): Promise<number> {
  if (file) {
    try {
      return (await fs.stat(path.join(modelDir, file))).size;
    } catch {
      // fall through: export again
    }
  }
  const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'defectlab-export-'));
  try {
    return await model.exportOnnx(path.join(tmp, ONNX_FILE));
  } finally {
    await fs.rm(tmp, { recursive: true, force: true });
  }
}
