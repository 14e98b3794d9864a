import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import {
  DEFAULT_BACKBONE,
  SHIPPED_BACKBONES,
  defaultCacheDir,
  loadBackbone,
  readDescriptor,
  type TBackboneDescriptor,
} from '@defectlab/backbones';
import type { FeatureExtractor } from '@defectlab/ml-core';
import { UserError } from '../user-error';
import { inferDescriptorFromOnnx } from './infer-descriptor';

/** An opened backbone plus what a run records about it. */
export interface ResolvedBackbone {
  /** The extractor; its `modelPath` (= `onnxPath`) lets models export backbone + head as one graph. */
  readonly extractor: FeatureExtractor;
  /** The descriptor with an absolute source path: stored with the model so `evaluate` reopens the same graph. */
  readonly descriptor: TBackboneDescriptor;
  /** The ONNX file actually run. */
  readonly onnxPath: string;
  readonly sizeBytes: number;
}

/**
 * Turns the CLI's `--backbone` value into a descriptor: "default" (the npm-only default), a shipped name,
 * a descriptor JSON file, or a bare ONNX file (descriptor inferred, see inferDescriptorFromOnnx).
 * @throws UserError naming the value when it is none of these
 */
export async function descriptorFor(spec: string): Promise<TBackboneDescriptor> {
  const shipped = SHIPPED_BACKBONES as Record<string, string>;
  const file = spec === 'default' ? shipped[DEFAULT_BACKBONE] : (shipped[spec] ?? spec);
  if (/\.onnx$/i.test(file)) {
    await assertFile(file, spec);
    return inferDescriptorFromOnnx(file);
  }
  if (/\.json$/i.test(file)) {
    await assertFile(file, spec);
    let located;
    try {
      located = await readDescriptor(file);
    } catch (e) {
      throw new UserError((e as Error).message);
    }
    const d = located.descriptor;
    if (d.source.kind === 'onnx' && d.source.path) {
      return { ...d, source: { ...d.source, path: path.resolve(located.baseDir, d.source.path) } };
    }
    return d;
  }
  throw new UserError(
    `--backbone ${spec}: expected "default", one of ${Object.keys(shipped).join(', ')}, a descriptor .json or an .onnx file`,
  );
}

/**
 * Opens a backbone from a descriptor (as returned by {@link descriptorFor} or stored with a model).
 * The caller disposes `extractor`.
 */
export async function openBackbone(descriptor: TBackboneDescriptor, cacheDir: string = defaultCacheDir()): Promise<ResolvedBackbone> {
  let fx: FeatureExtractor;
  try {
    fx = await loadBackbone(descriptor, { cacheDir });
  } catch (e) {
    throw new UserError(`backbone ${descriptor.name}: ${(e as Error).message}`);
  }
  // loadBackbone's extractor names the file it runs (the descriptor's, or the cached nsfwjs conversion)
  const onnxPath = fx.modelPath ?? path.join(cacheDir, `${fx.sha256}.onnx`);
  const sizeBytes = (await fs.stat(onnxPath)).size;
  return { extractor: fx, descriptor, onnxPath, sizeBytes };
}

async function assertFile(file: string, spec: string): Promise<void> {
  try {
    const st = await fs.stat(file);
    if (!st.isFile()) throw new Error('not a file');
  } catch {
    throw new UserError(`--backbone ${spec}: ${path.resolve(file)} does not exist or is not a file`);
  }
}
