/**
 * One model on one data set, through the trainer's own code path: `npm run cli -- fit` and
 * `npm run cli -- evaluate` (apps/trainer/src/cli.ts), each in a fresh child process so that its peak RSS
 * is its own, then the batch-1 latency split (latency-split.ts) in a third. A stage that fails ends the
 * entry as failed with `<stage>: <reason>`, keeping what the earlier stages measured.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import {
  ZEvaluationReport,
  type TBenchLatency,
  type TBenchModelResult,
  type TEvaluationReport,
  type TModelKind,
  type TSplitCounts,
} from '@defectlab/contracts';
import { failureReason, REPO_ROOT, runChild, type ChildResult } from './child';
import type { PreparedDataset } from './datasets';
import type { LatencySplit } from './latency-split';

const CLI = path.join(REPO_ROOT, 'apps', 'trainer', 'src', 'cli.ts');
const LATENCY_SPLIT = path.join(__dirname, 'latency-split.ts');

/** A model configuration to benchmark. */
export interface ModelSpec {
  readonly model: TModelKind;
  readonly preset: string;
  /** Passed to `fit --config` as JSON. */
  readonly config: Record<string, unknown>;
  readonly imageSize: number;
  /** How this entry differs from the full benchmark's (quick mode), in words. */
  readonly reductions: readonly string[];
}

export interface ModelBenchOptions {
  /** `fit --backbone` value: a shipped name, descriptor .json or .onnx. */
  readonly backbone: string;
  /** Scratch folder for the fitted run (removed afterwards unless keepRuns). */
  readonly workDir: string;
  /** Where the evaluation report JSON is copied (kept with the bench results). */
  readonly evaluationsDir: string;
  readonly latencyRuns: number;
  readonly timeouts: { readonly fitMs: number; readonly evaluateMs: number; readonly latencyMs: number };
  readonly keepRuns?: boolean;
  readonly log: (line: string) => void;
}

export interface ModelBenchOutcome {
  readonly result: TBenchModelResult;
  /** Split counts the trainer made of the data set (null when fit never started). */
  readonly counts: TSplitCounts | null;
  /** PatchCore's memory bank (rows, dim) and feature grid, for the kNN block. */
  readonly bank: { rows: number; dim: number; queries: number } | null;
}

interface Manifest {
  fit: { backend: string; wallSeconds: number; epochsRun?: number; resolvedConfig: Record<string, unknown> };
  dataset: { counts: TSplitCounts };
}

/** Runs fit, evaluate and the latency split for one model; never throws for a model failure. */
export async function benchModel(spec: ModelSpec, dataset: PreparedDataset, options: ModelBenchOptions): Promise<ModelBenchOutcome> {
  const id = `${dataset.name}/${spec.model}-${spec.preset}`;
  const slug = id.replace(/[^a-zA-Z0-9._-]+/g, '_');
  const runDir = path.join(options.workDir, slug);
  const evalFile = path.join(options.evaluationsDir, `${slug}.json`);
  const prefix = (l: string) => options.log(`  [${id}] ${l}`);
  let result: TBenchModelResult = {
    id,
    dataset: dataset.name,
    model: spec.model,
    preset: spec.preset,
    config: spec.config,
    imageSize: spec.imageSize,
    reductions: [...spec.reductions],
    status: 'failed',
    error: null,
    accuracy: null,
    training: null,
    evaluation: null,
    inference: null,
    size: null,
  };
  let counts: TSplitCounts | null = null;
  let bank: ModelBenchOutcome['bank'] = null;
  const fail = (stage: string, r: ChildResult | null, limitMs: number, e?: unknown): ModelBenchOutcome => {
    const reason = r ? failureReason(r, limitMs) : (e as Error)?.message ?? String(e);
    options.log(`  [${id}] FAILED at ${stage}: ${reason}`);
    return { result: { ...result, status: 'failed', error: `${stage}: ${reason}` }, counts, bank };
  };

  try {
    await fs.rm(runDir, { recursive: true, force: true });
    // 1. fit
    const fitArgs = ['fit', '--model', spec.model, '--data', dataset.dir, '--backbone', options.backbone, '--config', JSON.stringify(spec.config), '--image-size', String(spec.imageSize), '--seed', '0', '--out', runDir];
    const fit = await runChild(CLI, fitArgs, { timeoutMs: options.timeouts.fitMs, onLine: prefix });
    if (fit.process.exitCode !== 0) return fail('fit', fit, options.timeouts.fitMs);
    let manifest: Manifest;
    try {
      manifest = JSON.parse(await fs.readFile(path.join(runDir, 'run.json'), 'utf8')) as Manifest;
    } catch (e) {
      return fail('fit (reading run.json)', null, 0, e);
    }
    counts = manifest.dataset.counts;
    const rc = manifest.fit.resolvedConfig;
    const mb = rc.memoryBank as { size?: number; dim?: number } | null | undefined;
    const grid = rc.featureGrid as number[] | null | undefined;
    if (spec.model === 'patchcore' && mb?.size && mb.dim) bank = { rows: mb.size, dim: mb.dim, queries: grid ? grid[0] * grid[1] : 784 };
    result = {
      ...result,
      training: {
        process: fit.process,
        fitSeconds: manifest.fit.wallSeconds,
        backend: manifest.fit.backend,
        epochsRun: manifest.fit.epochsRun ?? null,
        resolvedConfig: rc,
      },
    };

    // 2. evaluate (thresholds fitted on validation, figures on test)
    const evalArgs = ['evaluate', '--model-dir', runDir, '--data', dataset.dir, '--json', evalFile, '--latency-runs', String(options.latencyRuns)];
    const ev = await runChild(CLI, evalArgs, { timeoutMs: options.timeouts.evaluateMs, onLine: prefix });
    if (ev.process.exitCode !== 0) return fail('evaluate', ev, options.timeouts.evaluateMs);
    let report: TEvaluationReport;
    try {
      report = ZEvaluationReport.parse(JSON.parse(await fs.readFile(evalFile, 'utf8')));
    } catch (e) {
      return fail('evaluate (reading its report)', null, 0, e);
    }
    counts = report.dataset.counts;
    const point = (name: string) => report.operatingPoints.find((p) => p.name === name && !p.oracle) ?? null;
    result = {
      ...result,
      evaluation: { process: ev.process },
      accuracy: {
        imageAuroc: report.imageAuroc,
        pixelAuroc: report.pixelAuroc,
        pro: report.pro,
        proFprLimit: report.proFprLimit,
        missAtMost05Percent: point('miss<=0.5%'),
        missZero: point('miss=0'),
        omitted: report.omittedOperatingPoints,
        counts: report.dataset.counts,
      },
      size: {
        exportBytes: report.sizeBytes,
        exportIncludesBackbone: report.exportIncludesBackbone,
        headBytes: report.headSizeBytes,
        backboneBytes: report.backboneSizeBytes,
      },
    };
    const trainerLatency: TBenchLatency = { p50: report.latencyMs.p50, p95: report.latencyMs.p95, mean: report.latencyMs.mean, n: report.latencyMs.n };

    // 3. latency split: backbone included / excluded in the same batch-1 calls
    const lat = await runChild(LATENCY_SPLIT, ['--model-dir', runDir, '--data', dataset.dir, '--runs', String(options.latencyRuns), '--warmup', '3'], {
      timeoutMs: options.timeouts.latencyMs,
      onLine: prefix,
    });
    if (lat.process.exitCode !== 0) return fail('latency', lat, options.timeouts.latencyMs);
    const split = JSON.parse(lat.stdout.trim().split('\n').pop() ?? '') as LatencySplit;
    result = {
      ...result,
      status: 'ok',
      inference: { withBackbone: split.withBackbone, withoutBackbone: split.withoutBackbone, backboneOnly: split.backboneOnly, trainerEvaluate: trainerLatency, runtime: split.runtime },
    };
    return { result, counts, bank };
  } catch (e) {
    return fail('bench', null, 0, e);
  } finally {
    if (!options.keepRuns) await fs.rm(runDir, { recursive: true, force: true });
  }
}
