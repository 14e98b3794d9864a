import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { sha256Bytes } from '@defectlab/datasets';
import type { InputNormalization, Tensor } from '@defectlab/ml-core';
import { z } from 'zod';
import { defaultDataDir } from './paths';

/** How images become the backbone's input (part of the feature-cache key). */
export const ZPreprocessConfig = z.object({
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  /** How the source is brought to width x height. */
  mode: z.enum(['stretch', 'letterbox']).default('stretch'),
  /** Optional centre crop applied after resizing (the input is then crop.width x crop.height). */
  centerCrop: z.object({ width: z.number().int().positive(), height: z.number().int().positive() }).nullable().default(null),
});
export type TPreprocessConfig = z.infer<typeof ZPreprocessConfig>;

const MAGIC = 0x31464c44; // "DLF1" little-endian

/**
 * Extracted features on disk (default `$DEFECTLAB_DATA_DIR/features` or `<repo>/.data/features`), one file per (backbone sha256, preprocessing, image sha256, layer):
 * `<dir>/<backbone sha256>/<preprocessing key>/<image sha256>/<layer>.f32`. A file holds a small header
 * (magic, rank, dims as uint32) and the float32 data [1, C, h, w]. Writes are atomic (temp file + rename),
 * so concurrent workers sharing a cache never read half a file.
 */
export class FeatureCache {
  constructor(readonly dir: string = path.join(defaultDataDir(), 'features')) {}

  /** The preprocessing part of the key: sha256 of the canonical JSON of config + normalisation. */
  static preprocessKey(config: TPreprocessConfig, normalization: InputNormalization): string {
    const c = ZPreprocessConfig.parse(config);
    const canonical = {
      width: c.width,
      height: c.height,
      mode: c.mode,
      centerCrop: c.centerCrop ? [c.centerCrop.width, c.centerCrop.height] : null,
      mean: [...normalization.mean],
      std: [...normalization.std],
    };
    return sha256Bytes(JSON.stringify(canonical));
  }

  private file(backboneSha: string, prepKey: string, imageSha: string, layer: string): string {
    if (!/^[A-Za-z0-9._-]+$/.test(layer)) throw new Error(`feature cache: layer name "${layer}" is not file-safe`);
    return path.join(this.dir, backboneSha, prepKey, imageSha, `${layer}.f32`);
  }

  /** A cached feature map [1, C, h, w], or null when absent or unreadable. */
  async get(backboneSha: string, prepKey: string, imageSha: string, layer: string): Promise<Tensor | null> {
    let buf: Buffer;
    try {
      buf = await fs.readFile(this.file(backboneSha, prepKey, imageSha, layer));
    } catch {
      return null;
    }
    if (buf.length < 8 || buf.readUInt32LE(0) !== MAGIC) return null;
    const rank = buf.readUInt32LE(4);
    const dims: number[] = [];
    for (let i = 0; i < rank; i++) dims.push(buf.readUInt32LE(8 + 4 * i));
    const offset = 8 + 4 * rank;
    const n = dims.reduce((a, b) => a * b, 1);
    if (buf.length !== offset + 4 * n) return null;
    const data = new Float32Array(n);
    new Uint8Array(data.buffer).set(buf.subarray(offset));
    return { data, dims };
  }

  /** Stores one image's feature map [1, C, h, w]. */
  async put(backboneSha: string, prepKey: string, imageSha: string, layer: string, t: Tensor): Promise<void> {
    const file = this.file(backboneSha, prepKey, imageSha, layer);
    const header = Buffer.alloc(8 + 4 * t.dims.length);
    header.writeUInt32LE(MAGIC, 0);
    header.writeUInt32LE(t.dims.length, 4);
    t.dims.forEach((d, i) => header.writeUInt32LE(d, 8 + 4 * i));
    await fs.mkdir(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    await fs.writeFile(tmp, Buffer.concat([header, Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength)]));
    await fs.rename(tmp, file);
  }
}
