/**
 * What the worker and its job process say to each other over IPC, as zod schemas: progress travels as a
 * struct from the model's `onProgress` to the API's progress report, never through log text.
 */
import { ZEvaluationReport, ZProgressReport, type TProgressReport } from '@defectlab/contracts';
import type { FitProgress } from '@defectlab/ml-core';
import { z } from 'zod';
import { ZRunManifest } from '../run/run-manifest';

export const ZAnomalyMapFile = z.object({ relPath: z.string(), file: z.string() });

export const ZJobChildMessage = z.discriminatedUnion('type', [
  /** A line for the run's log (human-readable; nothing parses it). */
  z.object({ type: z.literal('log'), line: z.string() }),
  /** A progress report, as the API stores it. */
  z.object({ type: z.literal('progress'), report: ZProgressReport }),
  /** The model was fitted, saved once and exported into `outDir`. */
  z.object({ type: z.literal('fitted'), outDir: z.string(), manifest: ZRunManifest }),
  z.object({ type: z.literal('evaluated'), report: ZEvaluationReport }),
  z.object({ type: z.literal('maps'), files: z.array(ZAnomalyMapFile) }),
  z.object({ type: z.literal('error'), message: z.string(), userError: z.boolean() }),
]);
export type JobChildMessage = z.infer<typeof ZJobChildMessage>;

/** A model's progress as the API's report: non-finite numbers are left out, the message is capped. */
export function toProgressReport(p: FitProgress | TProgressReport): TProgressReport {
  const finite = (v: number | undefined) => (v !== undefined && Number.isFinite(v) ? v : undefined);
  const whole = (v: number | undefined) => (v !== undefined && Number.isInteger(v) && v >= 0 ? v : undefined);
  const r: TProgressReport = {
    phase: p.phase,
    epoch: whole(p.epoch),
    epochs: whole(p.epochs),
    step: whole(p.step),
    steps: whole(p.steps),
    loss: finite(p.loss),
    throughput: finite(p.throughput),
    etaSeconds: finite(p.etaSeconds) === undefined ? undefined : Math.max(0, p.etaSeconds as number),
    message: p.message?.slice(0, 2000),
  };
  return Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined)) as TProgressReport;
}
