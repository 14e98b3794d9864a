/**
 * The child process one job runs in: the worker's own process stays free to send heartbeats (training can
 * hold the event loop for seconds) and can stop a job at once by killing this process. One pipeline: fit
 * (the model is saved and exported once), evaluate the fitted model in memory (each split scored once; the
 * same pass yields the anomaly maps), write the map PNGs. Every message to the parent is a
 * `ZJobChildMessage`; progress is sent as structs. Exits when the parent goes away.
 */
import type { FitProgress } from '@defectlab/ml-core';
import { evaluateFitted, type EvaluateRunOptions } from '../evaluation/evaluate-run';
import { fitModel, type FitRunOptions } from '../run/fit-run';
import { formatProgress, throttle } from '../run/progress';
import { UserError } from '../user-error';
import { toProgressReport, type JobChildMessage } from './job-messages';
import { AnomalyMapWriter } from './write-anomaly-maps';

export interface JobChildRequest {
  readonly fit: FitRunOptions;
  readonly evaluate: Omit<EvaluateRunOptions, 'modelDir'>;
  /** Write anomaly-map PNGs of the validation and test images into this folder (null: none). */
  readonly anomalyMapsDir: string | null;
}

function send(m: JobChildMessage): Promise<void> {
  return new Promise((resolve) => (process.send ? process.send(m, undefined, undefined, () => resolve()) : resolve()));
}

/** Runs one job's pipeline, telling `emit` what happens. */
export async function runJobPipeline(req: JobChildRequest, emit: (m: JobChildMessage) => void): Promise<void> {
  const log = (line: string) => emit({ type: 'log', line });
  const onProgress = throttle((p: FitProgress) => {
    emit({ type: 'progress', report: toProgressReport(p) });
    log(formatProgress(p));
  });
  const fitted = await fitModel(req.fit, log, onProgress);
  try {
    emit({ type: 'fitted', outDir: fitted.outDir, manifest: fitted.manifest });
    const input = fitted.manifest.runConfig.input;
    const maps = req.anomalyMapsDir ? new AnomalyMapWriter(req.anomalyMapsDir, input.width, input.height) : null;
    const onScored = throttle((p: { phase: string; step: number; steps: number; split: string }) =>
      emit({ type: 'progress', report: toProgressReport({ phase: p.phase, step: p.step, steps: p.steps, message: `scoring ${p.split}` }) }),
    );
    const report = await evaluateFitted(fitted, { ...req.evaluate, modelDir: fitted.outDir }, log, {
      onMap: maps?.add,
      onScored: (split, done, total) => onScored({ phase: 'evaluate', step: done, steps: total, split }),
    });
    emit({ type: 'evaluated', report });
    if (maps) emit({ type: 'maps', files: await maps.finish(log) });
  } finally {
    await fitted.dispose();
  }
}

if (require.main === module) {
  process.on('disconnect', () => process.exit(1)); // the worker died: stop too
  process.once('message', (req: JobChildRequest) => {
    runJobPipeline(req, (m) => void send(m)).then(
      () => send({ type: 'log', line: 'job process done' }).then(() => process.exit(0)),
      async (e: unknown) => {
        await send({ type: 'error', message: (e as Error)?.message ?? String(e), userError: e instanceof UserError });
        process.exit(1);
      },
    );
  });
}
