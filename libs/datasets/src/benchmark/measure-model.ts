/**
 * The part of a model library's magnetic_tile benchmark that does not depend on the model: score the
 * validation and test splits, compute the figures, time `score()` at batch 1, then export the model to
 * ONNX and time the exported graph at batch 1 (the input named `input`, as every model exports it).
 */
import { latencySummary, type LatencySummary } from '@defectlab/metrics';
import { createSession, type AnomalyModel, type InputNormalization } from '@defectlab/ml-core';
import { toNormalizedBatch } from '../normalize';
import { benchFigures } from './bench-figures';
import type { BenchData } from './magnetic-tile';

export interface MeasureModelOptions {
  /** The backbone's input normalisation (the exported graph takes a normalised batch). */
  readonly normalization: InputNormalization;
  /** Where the ONNX export is written (the caller removes it). */
  readonly onnxFile: string;
  /** onnxruntime intra-op threads of the exported graph's session (default 1). */
  readonly threads?: number;
  /** Test images timed at batch 1, after one warm-up call (default 20). */
  readonly latencyImages?: number;
  readonly log?: (line: string) => void;
}

export interface ModelMeasurements {
  readonly scoreSeconds: number;
  readonly nScored: number;
  readonly figures: ReturnType<typeof benchFigures>;
  readonly latencyBatch1Ms: LatencySummary | null;
  readonly exportedOnnx: { readonly bytes: number; readonly latencyBatch1Ms: LatencySummary | null };
}

/** Times `run` on each of `items` after one warm-up call on the first; milliseconds per call. */
async function timeBatchOne<T>(items: readonly T[], run: (item: T) => Promise<unknown>): Promise<number[]> {
  await run(items[0]);
  const timings: number[] = [];
  for (const item of items) {
    const t = performance.now();
    await run(item);
    timings.push(performance.now() - t);
  }
  return timings;
}

/** Scores, times and exports a fitted model on the benchmark data (see the module comment). */
export async function measureModel(model: AnomalyModel, data: BenchData, options: MeasureModelOptions): Promise<ModelMeasurements> {
  const log = options.log ?? (() => undefined);
  const t1 = Date.now();
  const valScores = await model.score(data.validation.map((s) => s.image));
  const testScores = await model.score(data.test.map((s) => s.image));
  const scoreSeconds = (Date.now() - t1) / 1000;
  const nScored = data.validation.length + data.test.length;
  log(`scored ${nScored} images in ${scoreSeconds.toFixed(1)} s`);
  const figures = benchFigures(data.validation, valScores, data.test, testScores);
  log(JSON.stringify(figures));

  const timed = data.test.slice(0, options.latencyImages ?? 20);
  const timings = await timeBatchOne(timed, (s) => model.score([s.image]));

  const bytes = await model.exportOnnx(options.onnxFile);
  const exported = await createSession(options.onnxFile, { threads: options.threads ?? 1 });
  try {
    const onnxTimings = await timeBatchOne(
      timed.map((s) => toNormalizedBatch([s.image], options.normalization)),
      (input) => exported.run({ input }),
    );
    return { scoreSeconds, nScored, figures, latencyBatch1Ms: latencySummary(timings), exportedOnnx: { bytes, latencyBatch1Ms: latencySummary(onnxTimings) } };
  } finally {
    await exported.release();
  }
}
