import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { sha256Bytes } from '@defectlab/datasets';
import { convertKerasToOnnx, CONVERTER_VERSION } from './keras-to-onnx';
import { decodeWeights, readNsfwjsModelFiles } from './source-files';

export interface ConvertRequest {
  readonly model: 'mobilenet_v2';
  /** The descriptor's sha256 of the package files (verified before converting). */
  readonly expectedSourceSha256: string;
  /** Layer names to expose as outputs. */
  readonly layers: readonly string[];
  readonly cacheDir: string;
}

/**
 * Returns the ONNX conversion of an nsfwjs model, converting at first use and caching the result as
 * `<cacheDir>/<onnx sha256>.onnx`, with an index file `<cacheDir>/nsfwjs/<key>.json` where key =
 * sha256(source sha256, converter version, layers). A cached file is re-verified by its sha256 on every load.
 * @throws when the package files' sha256 differs from the descriptor.
 */
export async function convertNsfwjsModel(req: ConvertRequest): Promise<{ bytes: Uint8Array; sha256: string; file: string; converted: boolean }> {
  const key = sha256Bytes(JSON.stringify({ source: req.expectedSourceSha256, converter: CONVERTER_VERSION, model: req.model, layers: req.layers }));
  const indexFile = path.join(req.cacheDir, 'nsfwjs', `${key}.json`);
  const cached = await readCached(indexFile, req.cacheDir);
  if (cached) return { ...cached, converted: false };

  const files = await readNsfwjsModelFiles(req.model);
  if (files.sourceSha256 !== req.expectedSourceSha256) {
    throw new Error(
      `nsfwjs@${files.packageVersion} ${req.model}: model files hash to ${files.sourceSha256}, the descriptor expects ${req.expectedSourceSha256}; refusing to convert`,
    );
  }
  const weights = decodeWeights(files.weightSpecs, files.weightData);
  const bytes = convertKerasToOnnx(files.modelTopology.model_config.config.layers, weights, req.layers);
  const sha256 = sha256Bytes(bytes);
  const file = path.join(req.cacheDir, `${sha256}.onnx`);
  await writeAtomic(file, bytes);
  await writeAtomic(indexFile, Buffer.from(JSON.stringify({ onnxSha256: sha256, source: req.expectedSourceSha256, converter: CONVERTER_VERSION, layers: req.layers, nsfwjs: files.packageVersion }, null, 2)));
  return { bytes, sha256, file, converted: true };
}

async function readCached(indexFile: string, cacheDir: string): Promise<{ bytes: Uint8Array; sha256: string; file: string } | null> {
  try {
    const index = JSON.parse(await fs.readFile(indexFile, 'utf8')) as { onnxSha256: string };
    const file = path.join(cacheDir, `${index.onnxSha256}.onnx`);
    const bytes = await fs.readFile(file);
    if (sha256Bytes(bytes) !== index.onnxSha256) return null; // corrupt: convert again
    return { bytes, sha256: index.onnxSha256, file };
  } catch {
    return null;
  }
}

/** Writes via a temporary file and rename, so a concurrent reader never sees half a file. */
async function writeAtomic(file: string, data: Uint8Array): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  await fs.writeFile(tmp, data);
  await fs.rename(tmp, file);
}
