/**
 * What a full fit of each trained kind at its seed-like preset costs, from the train-step entries of the same
 * report: the optimizer steps a fit of the preset runs on a training set (its own batching and schedule) times
 * the measured CPU seconds of one such step. Only the optimizer steps are counted (not decoding, backbone
 * features, validation scoring or export). Entries timed on fewer images than the preset's batch (a step that
 * does not fit this machine's memory) are scaled by preset batch / measured batch: FLOPs per image are the same
 * at any batch, so this is what the step costs if it ran as efficiently per image as the smaller one did.
 */
import type { TFitBudget, TTrainStepEntry } from '@defectlab/contracts';
import { resolveCflowConfig, resolveCfaConfig, resolveCsflowConfig, resolveFastflowConfig } from '@defectlab/contracts';

/** A backbone tap: its name and stride (from the backbone's descriptor). */
export interface Tap {
  readonly name: string;
  readonly stride: number;
}

/** Steps of one kind of train-step entry that a full fit runs, and the images one preset step holds. */
export interface BudgetTerm {
  /** The `preset` of the entry that times this kind of step. */
  readonly entryPreset: string;
  /** The `imageSize` of that entry. */
  readonly imageSize: number;
  /** Steps of this kind in a full fit. */
  readonly steps: number;
  /** Images (CFlow: fibers) per step of the preset; an entry timed on fewer is scaled up. */
  readonly presetBatch: number;
}

export interface FitSchedule {
  readonly model: string;
  readonly preset: string;
  /** The schedule in words, e.g. "240 epochs x 44 steps of 16 images". */
  readonly schedule: string;
  readonly terms: readonly BudgetTerm[];
}

/**
 * The seed-like fit of every trained kind on `trainImages` images: CS-Flow `seed` (768 px), FastFlow `seed`,
 * CFlow-AD `seed` (one term per stage decoder) and CFA `paper` (it has no seed preset). Step counts follow
 * each library's batching: CS-Flow and CFA keep the last partial batch (ceil), FastFlow drops it (floor),
 * CFlow-AD cuts every image batch's positions into floor(positions x fiberFraction / N) fiber batches per stage.
 * @param taps the backbone's taps (names and strides), for CFlow-AD's positions per stage
 */
export function seedFitSchedules(trainImages: number, taps: readonly Tap[]): FitSchedule[] {
  const cs = resolveCsflowConfig({ preset: 'seed' });
  const csSteps = Math.ceil(trainImages / cs.batchSize);
  const ff = resolveFastflowConfig({ preset: 'seed' });
  const ffSteps = Math.floor(trainImages / Math.min(ff.batchSize, trainImages));
  const cfa = resolveCfaConfig({ preset: 'paper' });
  const cfaImages = cfa.imagesPerEpoch > 0 ? Math.min(cfa.imagesPerEpoch, trainImages) : trainImages;
  const cfaSteps = Math.ceil(cfaImages / cfa.batchSize);
  const cf = resolveCflowConfig({ preset: 'seed' });
  const cfEpochs = cf.metaEpochs * cf.subEpochs;
  const imagesPerBatch = Math.min(cf.batchSize, trainImages);
  const batchSizes = Array.from({ length: Math.ceil(trainImages / imagesPerBatch) }, (_, b) => Math.min(imagesPerBatch, trainImages - b * imagesPerBatch));
  const cfTerms = cf.layers.map((layer) => {
    const tap = taps.find((t) => t.name === layer);
    if (!tap) throw new Error(`fit budget: the backbone has no layer "${layer}" (CFlow-AD seed preset)`);
    const positions = (cf.inputSize / tap.stride) ** 2;
    const fibers = Math.min(cf.fiberBatchSize, imagesPerBatch * positions);
    const perEpoch = batchSizes.reduce((n, images) => n + Math.floor((images * positions * cf.fiberFraction) / fibers), 0);
    return { entryPreset: `seed:${layer}`, imageSize: cf.inputSize, steps: cfEpochs * perEpoch, presetBatch: fibers };
  });
  return [
    {
      model: 'csflow',
      preset: 'seed',
      schedule: `${cs.epochs} epochs x ${csSteps} steps of ${cs.batchSize} images at ${cs.inputSize} px`,
      terms: [{ entryPreset: 'seed', imageSize: cs.inputSize, steps: cs.epochs * csSteps, presetBatch: cs.batchSize }],
    },
    {
      model: 'fastflow',
      preset: 'seed',
      schedule: `${ff.epochs} epochs x ${ffSteps} steps of ${ff.batchSize} images at ${ff.inputSize} px`,
      terms: [{ entryPreset: 'seed', imageSize: ff.inputSize, steps: ff.epochs * ffSteps, presetBatch: ff.batchSize }],
    },
    {
      model: 'cflow',
      preset: 'seed',
      schedule: `${cf.metaEpochs} x ${cf.subEpochs} epochs x ${batchSizes.length} image batches of ${cf.batchSize} at ${cf.inputSize} px, each stage's positions in fiber batches of ${cf.fiberBatchSize} (${cfTerms.map((t) => `${t.entryPreset.split(':')[1]} ${t.steps / cfEpochs}`).join(' + ')} steps per epoch)`,
      terms: cfTerms,
    },
    {
      model: 'cfa',
      preset: 'paper',
      schedule: `${cfa.epochs} epochs x ${cfaSteps} steps of ${cfa.batchSize} images at ${cfa.inputSize} px (CFA has no seed preset)`,
      terms: [{ entryPreset: 'paper', imageSize: cfa.inputSize, steps: cfa.epochs * cfaSteps, presetBatch: cfa.batchSize }],
    },
  ];
}

function entryFor(entries: readonly TTrainStepEntry[], model: string, term: BudgetTerm, threads: number): TTrainStepEntry | undefined {
  return entries.find((e) => e.status === 'ok' && e.model === model && e.preset === term.entryPreset && e.imageSize === term.imageSize && e.threads === threads && e.engine.startsWith('onnxruntime'));
}

/** CPU seconds of the full fit with `threads` threads, or null when a term has no ok entry. */
function cpuSeconds(entries: readonly TTrainStepEntry[], s: FitSchedule, threads: number): number | null {
  let total = 0;
  for (const term of s.terms) {
    const e = entryFor(entries, s.model, term, threads);
    if (!e?.cpuSecondsPerStep) return null;
    total += term.steps * e.cpuSecondsPerStep * (term.presetBatch / e.batch);
  }
  return total;
}

/** The budget of each schedule from the ONNX-engine entries of a report. */
export function fitBudgets(schedules: readonly FitSchedule[], entries: readonly TTrainStepEntry[]): TFitBudget[] {
  return schedules.map((s) => {
    const one = cpuSeconds(entries, s, 1);
    const two = cpuSeconds(entries, s, 2);
    const scaled = s.terms
      .map((t) => ({ t, e: entryFor(entries, s.model, t, 1) }))
      .filter(({ t, e }) => e && e.batch !== t.presetBatch)
      .map(({ t, e }) => `timed at batch ${e?.batch}, scaled to ${t.presetBatch}`);
    return {
      model: s.model,
      preset: s.preset,
      schedule: s.schedule,
      steps: s.terms.reduce((n, t) => n + t.steps, 0),
      oneCoreHours: one === null ? null : one / 3600,
      twoCoreHours: two === null ? null : two / 2 / 3600,
      scaled: scaled.length ? scaled.join('; ') : null,
    };
  });
}
