/**
 * `run.json`, written by `fit` beside the saved model: everything `evaluate` needs to reopen the model on
 * the same backbone, input size and split, plus what the run must record (config, seed, backend, machine).
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { ZRunConfig, ZSplitCounts } from '@defectlab/contracts';
import { z } from 'zod';
import { UserError } from '../user-error';

export const MANIFEST_FILE = 'run.json';
/** Subfolder holding the model library's own `save()` output. */
export const MODEL_SUBDIR = 'model';
/** The exported ONNX inference graph. */
export const ONNX_FILE = 'model.onnx';

export const ZRunManifest = z.object({
  format: z.literal('defectlab-trainer-run/1'),
  runConfig: ZRunConfig,
  /** The backbone descriptor (absolute source path), validated again by libs/backbones when reopened. */
  backboneDescriptor: z.record(z.string(), z.unknown()),
  dataset: z.object({ path: z.string(), counts: ZSplitCounts }),
  fit: z.object({
    backend: z.string(),
    /** The engine that trained the model (models on the ONNX engine report it). */
    engine: z.object({ engine: z.string(), executionProvider: z.string(), threads: z.number() }).optional(),
    wallSeconds: z.number(),
    epochsRun: z.number().optional(),
    finalLoss: z.number().optional(),
    deviations: z.array(z.string()),
    /** The FitReport's resolved config (includes what fitting derived, e.g. bank size). */
    resolvedConfig: z.record(z.string(), z.unknown()),
    notes: z.array(z.string()),
  }),
  onnx: z.object({ file: z.string(), bytes: z.number().int().positive() }).nullable(),
  machine: z.record(z.string(), z.unknown()),
  runtimeVersions: z.record(z.string(), z.string().nullable()),
  createdAt: z.string(),
});
export type TRunManifest = z.infer<typeof ZRunManifest>;

/** Writes `<dir>/run.json`. */
export async function writeManifest(dir: string, manifest: TRunManifest): Promise<void> {
  await fs.writeFile(path.join(dir, MANIFEST_FILE), JSON.stringify(ZRunManifest.parse(manifest), null, 2));
}

/**
 * Reads and validates `<dir>/run.json`.
 * @throws UserError when the folder holds no fitted run or the file is invalid
 */
export async function readManifest(dir: string): Promise<TRunManifest> {
  const file = path.join(dir, MANIFEST_FILE);
  let raw: unknown;
  try {
    raw = JSON.parse(await fs.readFile(file, 'utf8'));
  } catch (e) {
    throw new UserError(`--model-dir ${dir}: no readable ${MANIFEST_FILE} (is it the --out folder of a fit?): ${(e as Error).message}`);
  }
  const r = ZRunManifest.safeParse(raw);
  if (!r.success) {
    throw new UserError(`${file}: invalid run manifest: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  return r.data;
}
