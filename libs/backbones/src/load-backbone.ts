import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { sha256Bytes } from '@defectlab/datasets';
import { parseDescriptor, readDescriptor, type LocatedDescriptor, type TBackboneDescriptor } from './descriptor';
import { convertNsfwjsModel } from './nsfwjs/convert-cached';
import { OnnxFeatureExtractor, type ExtractorSessionOptions } from './onnx-feature-extractor';
import { defaultCacheDir } from './paths';

export interface LoadBackboneOptions extends ExtractorSessionOptions {
  /** Folder for cached conversions and URL-registered files (default `.data/backbones` at the repo root). */
  readonly cacheDir?: string;
  /** Folder that relative paths in an in-memory descriptor are resolved against (default: cwd). */
  readonly baseDir?: string;
}

/**
 * Loads a backbone from a descriptor (object or JSON file path), verifies its sha256 and opens an
 * onnxruntime session. Nothing is downloaded: a URL source must already be cached as `<cacheDir>/<sha256>.onnx`.
 * @throws Error naming the file when it is missing or its sha256 differs from the descriptor.
 */
export async function loadBackbone(
  descriptorOrPath: TBackboneDescriptor | string,
  options: LoadBackboneOptions = {},
): Promise<OnnxFeatureExtractor> {
  const located: LocatedDescriptor =
    typeof descriptorOrPath === 'string'
      ? await readDescriptor(descriptorOrPath)
      : { descriptor: parseDescriptor(descriptorOrPath), baseDir: options.baseDir ?? process.cwd() };
  const d = located.descriptor;
  const cacheDir = options.cacheDir ?? defaultCacheDir();
  const { bytes, sha256, file } = await resolveModelBytes(located, cacheDir);
  return OnnxFeatureExtractor.create({
    name: d.name,
    sha256,
    model: bytes,
    layers: d.layers,
    normalization: { mean: d.input.normalization.mean, std: d.input.normalization.std },
    inputName: d.input.name,
    modelPath: file,
    options,
  });
}

/** Finds, verifies (and for nsfwjs converts) the ONNX bytes; returns them with their sha256 and the file holding them. */
async function resolveModelBytes(located: LocatedDescriptor, cacheDir: string): Promise<{ bytes: Uint8Array; sha256: string; file: string }> {
  const d = located.descriptor;
  if (d.source.kind === 'nsfwjs') {
    return convertNsfwjsModel({ model: d.source.model, expectedSourceSha256: d.sha256, layers: d.layers.map((l) => l.name), cacheDir });
  }
  const file = d.source.path ? path.resolve(located.baseDir, d.source.path) : path.join(cacheDir, `${d.sha256}.onnx`);
  let bytes: Uint8Array;
  try {
    bytes = await fs.readFile(file);
  } catch {
    const hint = d.source.url
      ? `URL sources are never downloaded here: fetch ${d.source.url} yourself and place it at this path`
      : 'the file is missing';
    throw new Error(`${file}: backbone "${d.name}" not found (${hint})`);
  }
  const actual = sha256Bytes(bytes);
  if (actual !== d.sha256) {
    throw new Error(`${file}: sha256 ${actual} does not match the descriptor of "${d.name}" (${d.sha256}); refusing to load`);
  }
  return { bytes, sha256: actual, file };
}
