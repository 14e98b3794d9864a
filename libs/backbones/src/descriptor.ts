import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';

const ZSha256 = z.string().regex(/^[0-9a-f]{64}$/, 'sha256 must be 64 lowercase hex digits');

/** One tap: an output of the graph, its channel count and its stride relative to the input. */
export const ZLayer = z.object({
  name: z.string().min(1),
  channels: z.number().int().positive(),
  stride: z.number().int().positive(),
});

/**
 * Where the ONNX graph comes from:
 * - `onnx`: a file (path, relative to the descriptor file unless absolute) or a URL. A URL is never fetched:
 *   the file must already be in the cache folder as `<sha256>.onnx`.
 * - `nsfwjs`: a Keras model shipped inside the npm package nsfwjs, converted to ONNX by our code at first use
 *   (see nsfwjs/keras-to-onnx.ts) and cached by sha256. `sha256` then covers the package's model files.
 */
export const ZBackboneSource = z.discriminatedUnion('kind', [
  z
    .object({ kind: z.literal('onnx'), path: z.string().min(1).optional(), url: z.string().url().optional() })
    .refine((s) => Boolean(s.path) !== Boolean(s.url), 'give exactly one of path or url'),
  z.object({ kind: z.literal('nsfwjs'), model: z.literal('mobilenet_v2') }),
]);

/** A registered backbone (DESIGN.md: Backbone). Stored as JSON beside the code or uploaded by users. */
export const ZBackboneDescriptor = z.object({
  name: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/i),
  description: z.string().optional(),
  license: z.string().optional(),
  source: ZBackboneSource,
  /** sha256 of the ONNX file (kind onnx) or of the source model files (kind nsfwjs, see nsfwjs/source-files.ts). */
  sha256: ZSha256,
  input: z.object({
    /** Name of the graph's image input (NCHW float32). */
    name: z.string().default('input'),
    /** Applied after scaling RGB to [0, 1]: x = (v - mean) / std. */
    normalization: z.object({
      mean: z.tuple([z.number(), z.number(), z.number()]),
      std: z.tuple([z.number().positive(), z.number().positive(), z.number().positive()]),
    }),
    /** Input height and width should be multiples of this (the largest stride). */
    sizeMultiple: z.number().int().positive().default(1),
  }),
  layers: z.array(ZLayer).min(1),
  /** Layers a model should use when its config does not say (default: all). */
  defaultLayers: z.array(z.string()).optional(),
});
export type TBackboneDescriptor = z.infer<typeof ZBackboneDescriptor>;

/** A descriptor plus the folder its relative paths are resolved against. */
export interface LocatedDescriptor {
  readonly descriptor: TBackboneDescriptor;
  readonly baseDir: string;
}

/**
 * Reads and validates a descriptor JSON file.
 * @throws Error naming the file and every schema problem.
 */
export async function readDescriptor(file: string): Promise<LocatedDescriptor> {
  let raw: unknown;
  try {
    raw = JSON.parse(await fs.readFile(file, 'utf8'));
  } catch (e) {
    throw new Error(`${file}: cannot read backbone descriptor (${(e as Error).message})`);
  }
  return { descriptor: parseDescriptor(raw, file), baseDir: path.dirname(path.resolve(file)) };
}

/** Validates a descriptor object; `where` names it in errors. */
export function parseDescriptor(raw: unknown, where = 'descriptor'): TBackboneDescriptor {
  const r = ZBackboneDescriptor.safeParse(raw);
  if (!r.success) {
    const issues = r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new Error(`${where}: invalid backbone descriptor: ${issues}`);
  }
  const names = new Set(r.data.layers.map((l) => l.name));
  for (const d of r.data.defaultLayers ?? []) {
    if (!names.has(d)) throw new Error(`${where}: defaultLayers names "${d}", which is not in layers`);
  }
  return r.data;
}
