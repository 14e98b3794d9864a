/**
 * Training checkpoints: weights and Adam moments as one float32 blob plus a JSON index. Both files
 * are written under temporary names and renamed; the JSON (renamed last) records the blob's byte size,
 * so a torn pair is detected instead of resumed.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export const CHECKPOINT_JSON = 'checkpoint.json';
export const CHECKPOINT_BIN = 'checkpoint.bin';

export interface CheckpointMeta {
  /** Epochs fully completed. */
  readonly epoch: number;
  readonly adamStep: number;
  /** Identifies the config and data the checkpoint belongs to; resuming with others is refused. */
  readonly fingerprint: string;
  readonly lossCurve: readonly number[];
  readonly blobBytes: number;
  readonly arrays: ReadonlyArray<{ readonly offset: number; readonly length: number }>;
}

/** Writes `arrays` (in order) and `meta` into `dir`. */
export async function writeCheckpoint(
  dir: string,
  arrays: readonly Float32Array[],
  meta: Omit<CheckpointMeta, 'arrays' | 'blobBytes'>,
): Promise<void> {
  await fs.promises.mkdir(dir, { recursive: true });
  const total = arrays.reduce((n, a) => n + a.length, 0);
  const blob = new Float32Array(total);
  const index: Array<{ offset: number; length: number }> = [];
  let off = 0;
  for (const a of arrays) {
    blob.set(a, off);
    index.push({ offset: off, length: a.length });
    off += a.length;
  }
  const bin = path.join(dir, CHECKPOINT_BIN);
  const json = path.join(dir, CHECKPOINT_JSON);
  await fs.promises.writeFile(`${bin}.tmp`, Buffer.from(blob.buffer, blob.byteOffset, blob.byteLength));
  await fs.promises.writeFile(`${json}.tmp`, JSON.stringify({ ...meta, blobBytes: blob.byteLength, arrays: index }));
  await fs.promises.rename(`${bin}.tmp`, bin);
  await fs.promises.rename(`${json}.tmp`, json);
}

/** Reads a checkpoint from `dir`, or returns null when there is none. */
export async function readCheckpoint(dir: string): Promise<{ meta: CheckpointMeta; data: Float32Array[] } | null> {
  const json = path.join(dir, CHECKPOINT_JSON);
  if (!fs.existsSync(json)) return null;
  const meta = JSON.parse(await fs.promises.readFile(json, 'utf8')) as CheckpointMeta;
  const buf = await fs.promises.readFile(path.join(dir, CHECKPOINT_BIN));
  if (buf.byteLength !== meta.blobBytes) {
    throw new Error(`csflow: ${path.join(dir, CHECKPOINT_BIN)} has ${buf.byteLength} bytes, its index expects ${meta.blobBytes} (torn checkpoint)`);
  }
  const all = new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
  return { meta, data: meta.arrays.map((t) => all.subarray(t.offset, t.offset + t.length)) };
}
