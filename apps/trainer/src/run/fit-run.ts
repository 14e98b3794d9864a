/**
 * `fit`: trains one model on the train split of an MVTec folder and writes it, with its resolved config,
 * split rule and ONNX export, to an output folder. The CLI and (later) the queue worker call this.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import { cropDeviations, paperPresetDeviation, resolveSplitRule, type TImageInput, type TRunConfig, type TSplitRule } from '@defectlab/contracts';
import type { AnomalyModel, DecodedImage, FitProgress, ValidationImage } from '@defectlab/ml-core';
import type { TrainingCropSetting } from '@defectlab/datasets';
import { descriptorFor, openBackbone, type ResolvedBackbone } from '../backbone/resolve-backbone';
import { describeMachine, runtimeVersions } from '@defectlab/ml-core';
import { modelEntry } from '../model-registry';
import { loadInputImage, loadTrainingImages } from './load-images';
import { throttledProgress, type Log } from './progress';
import { MODEL_SUBDIR, ONNX_FILE, writeManifest, type TRunManifest } from './run-manifest';
import { readAndSplit, splitCounts } from './split';
import { UserError } from '../user-error';

export interface FitRunOptions {
  /** csflow | patchcore | cfa */
  readonly model: string;
  /** MVTec-layout folder. */
  readonly data: string;
  /** "default", a shipped backbone name, a descriptor .json or an .onnx file. */
  readonly backbone: string;
  /**
   * The model config, resolved (libs/contracts `resolveModelConfig`: preset expanded, defaults filled, seed
   * applied); used as it is. Its `inputSize` is the square side images are resized to, its `seed` the run's.
   */
  readonly modelConfig: Readonly<Record<string, unknown>>;
  /** Split rule overrides (of libs/contracts' DEFAULT_SPLIT_RULE). */
  readonly splitRule?: Partial<TSplitRule>;
  /** Output folder (created). */
  readonly out: string;
  /** Backbone cache folder (default libs/backbones' `.data/backbones`). */
  readonly backboneCacheDir?: string;
  /**
   * Folder for training checkpoints: a model that supports them (CS-Flow) resumes from the checkpoint found
   * there and keeps writing new ones; the others ignore it.
   */
  readonly checkpointDir?: string;
}

export interface FitRunResult {
  readonly outDir: string;
  readonly manifest: TRunManifest;
}

/** A fitted run still open in memory: evaluate it with `evaluateFitted`, then `dispose()`. */
export interface FittedRun extends FitRunResult {
  readonly model: AnomalyModel;
  readonly backbone: ResolvedBackbone;
  dispose(): Promise<void>;
}

/**
 * `fit` as the CLI runs it: {@link fitModel}, then closes the model (the folder holds it).
 * @throws UserError for bad input (message names the argument or field)
 */
export async function fitRun(options: FitRunOptions, log: Log): Promise<FitRunResult> {
  const fitted = await fitModel(options, log);
  await fitted.dispose();
  return { outDir: fitted.outDir, manifest: fitted.manifest };
}

/**
 * Validates every input first (model, data folder, backbone), then fits, saves (once) and exports, and
 * returns the fitted model still open, so it can be evaluated in memory. Progress goes to `onProgress`
 * (default: rate-limited lines on `log`).
 * @throws UserError for bad input (message names the argument or field)
 */
export async function fitModel(options: FitRunOptions, log: Log, onProgress: (p: FitProgress) => void = throttledProgress(log)): Promise<FittedRun> {
  const started = Date.now();
  const entry = modelEntry(options.model);
  const rule = parseSplitRule(options.splitRule);
  const splits = await readAndSplit(options.data, rule);
  const counts = splitCounts(splits);
  if (splits.train.length === 0) throw new UserError(`--data ${options.data}: the split leaves no training images`);
  const descriptor = await descriptorFor(options.backbone);
  const { config, notes } = entry.bindToBackbone(options.modelConfig, descriptor);
  const side = Number(config.inputSize);
  if (!Number.isInteger(side) || side <= 0) throw new UserError(`the ${entry.kind} config has no valid inputSize (${String(config.inputSize)}); was it resolved?`);
  const input: TImageInput = { width: side, height: side, mode: 'stretch' };
  log(`fit ${entry.kind} on ${options.data}: ${counts.train} train, ${counts.validationGood}+${counts.validationDefective} validation, ${counts.testGood}+${counts.testDefective} test images at ${side}x${side}`);
  for (const n of notes) log(`note: ${n}`);

  const backbone = await openBackbone(descriptor, options.backboneCacheDir);
  let model: AnomalyModel | null = null;
  try {
    log(`backbone ${backbone.extractor.name} (${backbone.extractor.sha256.slice(0, 12)}), ${backbone.extractor.runtime}`);
    const crops = trainingCrops(config);
    const images: DecodedImage[] = await loadTrainingImages(splits.train, input, crops, Number(config.seed ?? 0));
    log(`decoded ${splits.train.length} training images${crops.cropMode === 'none' ? '' : ` into ${images.length} ${crops.cropMode} crops`}`);
    // the validation split (never the test split), whole images at the scoring input size, labelled: models
    // that learn from normal images only take the good ones (CFA's epoch choice), CS-Flow records its figures
    const validation: ValidationImage[] = [];
    for (const r of entry.usesValidation ? splits.validation : []) validation.push({ image: await loadInputImage(r, input), defective: r.label === 'defective' });
    if (validation.length > 0) log(`decoded ${validation.length} validation images`);
    model = await entry.create(backbone.extractor, config);
    // training threads: DEFECTLAB_TRAIN_THREADS, else every core of this worker (resolveTrainThreads)
    const report = await model.fit(images, { onProgress, checkpointDir: options.checkpointDir, log, validation });
    const outDir = path.resolve(options.out);
    await fs.mkdir(outDir, { recursive: true });
    await model.save(path.join(outDir, MODEL_SUBDIR));
    let onnx: TRunManifest['onnx'] = null;
    try {
      onnx = { file: ONNX_FILE, bytes: await model.exportOnnx(path.join(outDir, ONNX_FILE)) };
    } catch (e) {
      log(`warning: ONNX export failed (${(e as Error).message}); evaluate will retry it`);
    }
    const runConfig: TRunConfig = {
      model: entry.kind,
      modelConfig: config,
      seed: Number(config.seed ?? 0),
      input,
      splitRule: rule,
      backbone: { name: backbone.extractor.name, sha256: backbone.extractor.sha256, requested: options.backbone },
    };
    const m = describeMachine();
    const manifest: TRunManifest = {
      format: 'defectlab-trainer-run/1',
      runConfig,
      backboneDescriptor: backbone.descriptor as unknown as Record<string, unknown>,
      dataset: { path: path.resolve(options.data), counts },
      fit: {
        backend: report.backend,
        ...(report.engine ? { engine: { ...report.engine } } : {}),
        wallSeconds: report.wallSeconds,
        epochsRun: report.epochsRun,
        finalLoss: report.finalLoss,
        deviations: [...report.deviations, ...paperPresetDeviation(entry.kind, config), ...cropDeviations(crops)],
        resolvedConfig: report.resolvedConfig,
        notes,
      },
      onnx,
      machine: { ...m },
      runtimeVersions: runtimeVersions(),
      createdAt: new Date().toISOString(),
    };
    await writeManifest(outDir, manifest);
    log(`fit done in ${((Date.now() - started) / 1000).toFixed(1)} s (training ${report.wallSeconds.toFixed(1)} s on ${report.backend}); wrote ${outDir}`);
    const open = model;
    model = null; // handed to the caller
    return {
      outDir,
      manifest,
      model: open,
      backbone,
      dispose: async () => {
        try {
          await open.dispose();
        } finally {
          await backbone.extractor.dispose();
        }
      },
    };
  } catch (e) {
    await model?.dispose();
    await backbone.extractor.dispose();
    throw e;
  }
}

function parseSplitRule(overrides: Partial<TSplitRule> = {}): TSplitRule {
  try {
    return resolveSplitRule(overrides);
  } catch (e) {
    if (!(e instanceof z.ZodError)) throw e;
    throw new UserError(`invalid split rule: ${e.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
}

/** The crop augmentation of a resolved config (configs resolved before the crop fields existed train on whole images). */
function trainingCrops(config: Readonly<Record<string, unknown>>): TrainingCropSetting {
  const mode = config.cropMode;
  return {
    cropMode: mode === 'random' || mode === 'regular' ? mode : 'none',
    cropFraction: typeof config.cropFraction === 'number' ? config.cropFraction : 1,
    cropsPerImage: typeof config.cropsPerImage === 'number' ? config.cropsPerImage : 1,
  };
}
