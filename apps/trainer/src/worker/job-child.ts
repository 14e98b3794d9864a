/**
 * The child process one job's training and evaluation run in: the worker's own process stays free to send
 * heartbeats (training can hold the event loop for seconds) and can stop a job at once by killing this
 * process. It runs the CLI's code path: fitRun, then evaluateRun (then writes anomaly-map PNGs). Talks to its parent over IPC and exits
 * when the parent goes away.
 */
import type { TEvaluationReport } from '@defectlab/contracts';
import { evaluateRun, type EvaluateRunOptions } from '../evaluation/evaluate-run';
import { fitRun, type FitRunOptions } from '../run/fit-run';
import type { TRunManifest } from '../run/run-manifest';
import { UserError } from '../user-error';
import { writeAnomalyMaps, type AnomalyMapFile } from './write-anomaly-maps';

export interface JobChildRequest {
  readonly fit: FitRunOptions;
  readonly evaluate: Omit<EvaluateRunOptions, 'modelDir'>;
  /** Write anomaly-map PNGs of the validation and test images into this folder (null: none). */
  readonly anomalyMapsDir: string | null;
}

export type JobChildMessage =
  | { readonly type: 'log'; readonly line: string }
  | { readonly type: 'fitted'; readonly outDir: string; readonly manifest: TRunManifest }
  | { readonly type: 'evaluated'; readonly report: TEvaluationReport }
  | { readonly type: 'maps'; readonly files: AnomalyMapFile[] }
  | { readonly type: 'error'; readonly message: string; readonly userError: boolean };

function send(m: JobChildMessage): Promise<void> {
  return new Promise((resolve) => (process.send ? process.send(m, undefined, undefined, () => resolve()) : resolve()));
}

async function run(req: JobChildRequest): Promise<void> {
  const log = (line: string) => void send({ type: 'log', line });
  const fitted = await fitRun(req.fit, log);
  await send({ type: 'fitted', outDir: fitted.outDir, manifest: fitted.manifest });
  const report = await evaluateRun({ ...req.evaluate, modelDir: fitted.outDir }, log);
  await send({ type: 'evaluated', report });
  if (req.anomalyMapsDir) {
    const files = await writeAnomalyMaps(fitted.outDir, fitted.manifest, req.evaluate.data, report.dataset.splitRule, req.anomalyMapsDir, log, req.fit.backboneCacheDir);
    await send({ type: 'maps', files });
  }
}

if (require.main === module) {
  process.on('disconnect', () => process.exit(1)); // the worker died: stop too
  process.once('message', (req: JobChildRequest) => {
    run(req).then(
      () => process.exit(0),
      async (e: unknown) => {
        await send({ type: 'error', message: (e as Error)?.message ?? String(e), userError: e instanceof UserError });
        process.exit(1);
      },
    );
  });
}
