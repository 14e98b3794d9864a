/**
 * Training checkpoints: every variable (weights and Adam moments) as one float32 blob plus a JSON
 * index. Written to temporary files and renamed, so an interrupted write never leaves a torn checkpoint.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as tfType from '@tensorflow/tfjs';

export const CHECKPOINT_JSON = 'checkpoint.json';
export const CHECKPOINT_BIN = 'checkpoint.bin';

export interface CheckpointMeta {
  /** Epochs fully completed. */
  readonly epoch: number;
  readonly adamStep: number;
  /** Identifies the config the checkpoint belongs to; resuming with another config is refused. */
  readonly fingerprint: string;
  readonly lossCurve: readonly number[];
  readonly tensors: ReadonlyArray<{ readonly shape: readonly number[]; readonly offset: number; readonly length: number }>;
}

/** Writes `tensors` (in order) and `meta` into `dir`. */
export async function writeCheckpoint(
  dir: string,
  tensors: readonly tfType.Tensor[],
  meta: Omit<CheckpointMeta, 'tensors'>,
): Promise<void> {
  await fs.promises.mkdir(dir, { recursive: true });
  const total = tensors.reduce((n, t) => n + t.size, 0);
  const blob = new Float32Array(total);
  const index: Array<{ shape: number[]; offset: number; length: number }> = [];
  let off = 0;
  for (const t of tensors) {
    blob.set(await t.data<'float32'>(), off);
    index.push({ shape: [...t.shape], offset: off, length: t.size });
    off += t.size;
  }
  const bin = path.join(dir, CHECKPOINT_BIN);
  const json = path.join(dir, CHECKPOINT_JSON);
  await fs.promises.writeFile(`${bin}.tmp`, Buffer.from(blob.buffer, blob.byteOffset, blob.byteLength));
  await fs.promises.writeFile(`${json}.tmp`, JSON.stringify({ ...meta, tensors: index }));
  await fs.promises.rename(`${bin}.tmp`, bin);
  await fs.promises.rename(`${json}.tmp`, json);
}

/** Reads a checkpoint from `dir`, or returns null when there is none. */
export async function readCheckpoint(dir: string): Promise<{ meta: CheckpointMeta; data: Float32Array[] } | null> {
  const json = path.join(dir, CHECKPOINT_JSON);
  if (!fs.existsSync(json)) return null;
  const meta = JSON.parse(await fs.promises.readFile(json, 'utf8')) as CheckpointMeta;
  const buf = await fs.promises.readFile(path.join(dir, CHECKPOINT_BIN));
  const all = new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
  return { meta, data: meta.tensors.map((t) => all.subarray(t.offset, t.offset + t.length)) };
}
