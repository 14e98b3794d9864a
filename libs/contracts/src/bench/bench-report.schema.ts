import { z } from 'zod';
import { ZOperatingPoint } from '../evaluation/evaluation-report.schema';
import { ZModelKind } from '../evaluation/model-kind.schema';
import { ZSplitCounts } from '../evaluation/split-rule.schema';

/**
 * The report `npm run bench` writes (tools/bench): accuracy, speed and size of every model on every
 * benchmark data set, throughput of the building blocks, and the machine and runtime it all ran on.
 * Every figure a run could not produce is null, and the reason is in an `error` or `status` field: a
 * failed model is reported as failed, never dropped.
 */

/** The machine a report was measured on. */
export const ZBenchMachine = z.object({
  cpu: z.string(),
  cores: z.number().int().positive(),
  memoryBytes: z.number().int().positive(),
  platform: z.string(),
  arch: z.string(),
  hostname: z.string(),
  node: z.string(),
  /** 1-minute load average when the bench started and ended (a shared machine shows up here). */
  loadAverageStart: z.number().min(0),
  loadAverageEnd: z.number().min(0),
});
export type TBenchMachine = z.infer<typeof ZBenchMachine>;

/** Per-image wall times in milliseconds (batch 1, after warm-up calls). */
export const ZBenchLatency = z.object({
  p50: z.number().min(0),
  p95: z.number().min(0),
  mean: z.number().min(0),
  n: z.number().int().positive(),
});
export type TBenchLatency = z.infer<typeof ZBenchLatency>;

/** One child process: its wall time and its peak resident memory (RSS high-water mark). */
export const ZBenchProcess = z.object({
  wallSeconds: z.number().min(0),
  /** getrusage maxrss of the child process at exit; null when it did not exit normally. */
  peakRssBytes: z.number().int().positive().nullable(),
  exitCode: z.number().int().nullable(),
});
export type TBenchProcess = z.infer<typeof ZBenchProcess>;

/** One benchmark data set as the models saw it. */
export const ZBenchDataset = z.object({
  /** e.g. "magnetic_tile", "demo-lens" */
  name: z.string().min(1),
  source: z.enum(['shared', 'generated']),
  /** How the folder was made or thinned (quick mode subsets are spelled out here). */
  description: z.string(),
  /** Images per class folder of the MVTec-layout folder the models were run on. */
  files: z.object({ trainGood: z.number().int().min(0), testGood: z.number().int().min(0), testDefective: z.number().int().min(0) }),
  /** Split counts as the trainer's split rule made them (null when no run got that far). */
  counts: ZSplitCounts.nullable(),
});
export type TBenchDataset = z.infer<typeof ZBenchDataset>;

/** One model on one data set: fit and evaluate through the trainer CLI, then the latency split. */
export const ZBenchModelResult = z.object({
  /** `<dataset>/<model>-<preset>`, the key --compare matches reports by. */
  id: z.string().min(1),
  dataset: z.string().min(1),
  model: ZModelKind,
  preset: z.string(),
  /** The config passed to `fit --config` (quick-mode reductions included). */
  config: z.record(z.string(), z.unknown()),
  imageSize: z.number().int().positive(),
  /** What differs from the full benchmark for this entry (empty in a full run). */
  reductions: z.array(z.string()),
  status: z.enum(['ok', 'failed']),
  /** `<stage>: <message>` of the first stage that failed. */
  error: z.string().nullable(),
  accuracy: z
    .object({
      imageAuroc: z.number().min(0).max(1).nullable(),
      pixelAuroc: z.number().min(0).max(1).nullable(),
      /** AUPRO up to `proFprLimit`. */
      pro: z.number().min(0).max(1).nullable(),
      proFprLimit: z.number().gt(0).max(1),
      /** Threshold fitted on validation, figures on test, with intervals. Null when it could not be fitted. */
      missAtMost05Percent: ZOperatingPoint.nullable(),
      missZero: ZOperatingPoint.nullable(),
      /** Why a point is missing (e.g. no defective validation images). */
      omitted: z.array(z.object({ name: z.string(), reason: z.string() })),
      counts: ZSplitCounts,
    })
    .nullable(),
  training: z
    .object({
      /** The fit child process: wall time (decode + features + training + save + export) and peak RSS. */
      process: ZBenchProcess,
      /** `model.fit` alone, as the model reported it. */
      fitSeconds: z.number().min(0),
      backend: z.string(),
      epochsRun: z.number().nullable(),
      resolvedConfig: z.record(z.string(), z.unknown()),
    })
    .nullable(),
  evaluation: z.object({ process: ZBenchProcess }).nullable(),
  inference: z
    .object({
      /** model.score([image]) on one image at the run's input size: backbone + head. */
      withBackbone: ZBenchLatency,
      /** The same calls minus the time spent inside the backbone's extract(). */
      withoutBackbone: ZBenchLatency,
      /** The backbone's extract() calls made by those same calls. */
      backboneOnly: ZBenchLatency,
      /** The trainer's own `evaluate` latency figure (backbone included), for cross-checking. */
      trainerEvaluate: ZBenchLatency.nullable(),
      runtime: z.string(),
    })
    .nullable(),
  size: z
    .object({
      /** Bytes of the exported ONNX inference graph. */
      exportBytes: z.number().int().positive(),
      exportIncludesBackbone: z.boolean(),
      /** Model weights / memory bank without the backbone. */
      headBytes: z.number().int().min(0),
      backboneBytes: z.number().int().positive(),
    })
    .nullable(),
});
export type TBenchModelResult = z.infer<typeof ZBenchModelResult>;

const ZBlockStatus = { status: z.enum(['ok', 'failed', 'skipped']), error: z.string().nullable() };

/** Throughput of the building blocks. */
export const ZBenchBlocks = z.object({
  decode: z.object({
    ...ZBlockStatus,
    source: z.string().nullable(),
    images: z.number().int().min(0),
    targetSize: z.number().int().positive(),
    imagesPerSecond: z.number().min(0).nullable(),
  }),
  backbone: z.object({
    ...ZBlockStatus,
    figures: z.array(
      z.object({
        backbone: z.string(),
        size: z.number().int().positive(),
        threads: z.number().int().positive(),
        msPerImageMedian: z.number().min(0),
        msPerImageMin: z.number().min(0),
        runs: z.number().int().positive(),
      }),
    ),
    skipped: z.array(z.string()),
  }),
  knn: z.object({
    ...ZBlockStatus,
    figures: z.array(
      z.object({
        engine: z.string(),
        /** Rows x dims of the bank, taken from a PatchCore run of this report (or the stated default). */
        bankRows: z.number().int().positive(),
        dim: z.number().int().positive(),
        bankSource: z.string(),
        k: z.number().int().positive(),
        queries: z.number().int().positive(),
        queriesPerSecond: z.number().min(0),
      }),
    ),
  }),
  metrics: z.object({
    ...ZBlockStatus,
    n: z.number().int().positive(),
    /** Sort + sweep once, AUROC, AP and six operating points. */
    aurocAndOperatingPointsMs: z.number().min(0).nullable(),
    aurocMs: z.number().min(0).nullable(),
    fitOperatingPointsMs: z.number().min(0).nullable(),
    applyToTestMs: z.number().min(0).nullable(),
  }),
});
export type TBenchBlocks = z.infer<typeof ZBenchBlocks>;

/** One timed training step configuration (`npm run bench -- --only train-step`). */
export const ZTrainStepEntry = z.object({
  model: z.string(),
  preset: z.string(),
  /** e.g. "onnxruntime-node 1.30.0 (cpu)" or "tfjs-wasm 4.22.0". */
  engine: z.string(),
  threads: z.number().int().positive(),
  batch: z.number().int().positive(),
  imageSize: z.number().int().positive(),
  status: z.enum(['ok', 'failed', 'skipped']),
  error: z.string().nullable(),
  /** Median seconds per step over `timedSteps` steps after one warm-up step. */
  secondsPerStep: z.number().nullable(),
  timedSteps: z.number().int().min(0),
  /** Median CPU seconds (user + system, all threads) per step: less sensitive than wall time to other jobs on the machine. */
  cpuSecondsPerStep: z.number().nullable(),
  imagesPerSecond: z.number().nullable(),
  /** FLOPs of one step (forward + backward + update) counted from the training graph; null when not counted. */
  gflopPerStep: z.number().nullable(),
  gflops: z.number().nullable(),
  /** gflopPerStep / cpuSecondsPerStep. */
  gflopsPerCpuSecond: z.number().nullable(),
  /** Peak resident memory of the process that ran the entry (one process per entry). */
  peakRssBytes: z.number().nullable(),
  /** Bytes of parameters + optimizer state fed in and returned by every step (ONNX engine). */
  stateBytes: z.number().nullable(),
  /** Seconds to copy stateBytes once in this process (what the per-step state round trip costs at least). */
  stateCopySeconds: z.number().nullable(),
});
export type TTrainStepEntry = z.infer<typeof ZTrainStepEntry>;

/** What a full fit of one kind at its seed-like preset costs, from the train-step entries of the same report. */
export const ZFitBudget = z.object({
  model: z.string(),
  preset: z.string(),
  /** The schedule in words (epochs, steps, batch, image size). */
  schedule: z.string(),
  /** Optimizer steps of the whole fit (CFlow-AD: all stage decoders). */
  steps: z.number().int().min(0),
  /** CPU hours of those steps with one thread: the fit's training time on one free core; null when an entry failed. */
  oneCoreHours: z.number().min(0).nullable(),
  /** CPU hours with two threads / 2: the training time on two free cores; null when an entry failed. */
  twoCoreHours: z.number().min(0).nullable(),
  /** Where an entry was timed on fewer images than the preset's batch and scaled, in words. */
  scaled: z.string().nullable(),
});
export type TFitBudget = z.infer<typeof ZFitBudget>;

export const ZTrainSteps = z.object({
  /** GFLOP/s of a plain onnxruntime 3x3 Conv forward (256 ch, 64 x 64, batch 8) with 1 thread, in the same run. */
  referenceConvGflops: z.number().nullable(),
  /** The same reference per thread count. */
  referenceConvGflopsByThreads: z.record(z.string(), z.number().nullable()),
  /** The reference per CPU-second (FLOPs / user+system seconds), per thread count: comparable with the entries' gflopsPerCpuSecond on a loaded machine. */
  referenceConvGflopsPerCpuSecond: z.record(z.string(), z.number().nullable()),
  loadAverageStart: z.number(),
  loadAverageEnd: z.number(),
  notes: z.array(z.string()),
  entries: z.array(ZTrainStepEntry),
  /** Full-fit budgets derived from the entries (absent in reports written before they existed). */
  fitBudgets: z.array(ZFitBudget).optional(),
});
export type TTrainSteps = z.infer<typeof ZTrainSteps>;

export const ZBenchReport = z.object({
  format: z.literal('defectlab-bench/1'),
  mode: z.enum(['full', 'quick']),
  createdAt: z.string().datetime(),
  wallSeconds: z.number().min(0),
  /** The command line, as run. */
  command: z.string(),
  git: z.object({ commit: z.string().nullable(), dirty: z.boolean().nullable() }),
  /** What --quick (or other options) changed against the full benchmark, in words. */
  reductions: z.array(z.string()),
  /** Free-text notes, e.g. that the machine was shared while measuring. */
  notes: z.array(z.string()),
  machine: ZBenchMachine,
  runtimeVersions: z.record(z.string(), z.string().nullable()),
  /** The training backends the fits reported (e.g. "onnxruntime-node 1.30.0 (cpu, 2 threads)"). */
  trainingBackends: z.array(z.string()),
  backbone: z.object({ name: z.string(), path: z.string().nullable() }),
  datasets: z.array(ZBenchDataset),
  models: z.array(ZBenchModelResult),
  blocks: ZBenchBlocks,
  /** Training steps side by side (engines, threads); absent when the section did not run. */
  trainSteps: ZTrainSteps.optional(),
});
export type TBenchReport = z.infer<typeof ZBenchReport>;
