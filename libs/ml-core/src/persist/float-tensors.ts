/**
 * float32 tensors on disk: several arrays concatenated into one little-endian file (the host's byte
 * order), and training states (parameters + optimizer state + step, one per training session) as the
 * checkpoint pair `checkpoint.bin` + `checkpoint.json` that the trainer's checkpoint sync uploads.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { TrainingState } from '../training-graph/training-session';

function concat(arrays: readonly Float32Array[]): Float32Array {
  const out = new Float32Array(arrays.reduce((n, a) => n + a.length, 0));
  let at = 0;
  for (const a of arrays) {
    out.set(a, at);
    at += a.length;
  }
  return out;
}

/** Writes the arrays back to back into `file`. */
export async function writeFloatTensors(file: string, arrays: readonly Float32Array[]): Promise<void> {
  const all = concat(arrays);
  await fs.writeFile(file, new Uint8Array(all.buffer, all.byteOffset, all.byteLength));
}

/** Reads arrays of the given lengths written by {@link writeFloatTensors}; the file size must match exactly. */
export async function readFloatTensors(file: string, sizes: readonly number[]): Promise<Float32Array[]> {
  const expected = sizes.reduce((a, b) => a + b, 0);
  const buf = await fs.readFile(file);
  if (buf.byteLength !== expected * 4) throw new Error(`${file} has ${buf.byteLength} bytes, expected ${expected * 4}`);
  const flat = new Float32Array(expected);
  new Uint8Array(flat.buffer).set(buf);
  let at = 0;
  return sizes.map((n) => {
    const a = flat.slice(at, at + n);
    at += n;
    return a;
  });
}

/** The pair the trainer's checkpoint sync uploads and restores (apps/trainer/src/worker/checkpoint-sync.ts). */
export const CHECKPOINT_BIN = 'checkpoint.bin';
export const CHECKPOINT_JSON = 'checkpoint.json';

interface CheckpointMeta {
  readonly format: string;
  /** What the checkpoint must match to be resumed (the training graph's shapes and settings), as text. */
  readonly identity: string;
  /** Epochs fully completed. */
  readonly epoch: number;
  readonly blobBytes: number;
  /** One entry per training session (e.g. one per stage decoder). */
  readonly states: ReadonlyArray<{ readonly step: number; readonly names: string[]; readonly sizes: number[] }>;
}

export class CheckpointMismatchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CheckpointMismatchError';
  }
}

/**
 * Writes the training states after `epoch` epochs into `dir` as `checkpoint.bin` + `checkpoint.json`, each
 * under a temporary name and renamed (the JSON last; it records the blob's size, so a torn pair is detected).
 */
export async function writeTrainingCheckpoint(dir: string, c: { format: string; identity: string; epoch: number; states: readonly TrainingState[] }): Promise<void> {
  await fs.mkdir(dir, { recursive: true });
  const arrays: Float32Array[] = [];
  const states = c.states.map((st) => {
    const names = [...st.tensors.keys()];
    const tensors = names.map((n) => st.tensors.get(n) as Float32Array);
    arrays.push(...tensors);
    return { step: st.step, names, sizes: tensors.map((t) => t.length) };
  });
  const bin = path.join(dir, CHECKPOINT_BIN);
  const json = path.join(dir, CHECKPOINT_JSON);
  await writeFloatTensors(`${bin}.tmp`, arrays);
  const meta: CheckpointMeta = { format: c.format, identity: c.identity, epoch: c.epoch, blobBytes: arrays.reduce((n, a) => n + a.byteLength, 0), states };
  await fs.writeFile(`${json}.tmp`, JSON.stringify(meta));
  await fs.rename(`${bin}.tmp`, bin);
  await fs.rename(`${json}.tmp`, json);
}

/**
 * The checkpoint in `dir`, or null when there is none.
 * @throws CheckpointMismatchError for another format or identity (another config, shape or data), or a torn pair
 */
export async function readTrainingCheckpoint(dir: string, format: string, identity: string): Promise<{ epoch: number; states: TrainingState[] } | null> {
  let meta: CheckpointMeta;
  try {
    meta = JSON.parse(await fs.readFile(path.join(dir, CHECKPOINT_JSON), 'utf8')) as CheckpointMeta;
  } catch {
    return null;
  }
  if (meta.format !== format) throw new CheckpointMismatchError(`the checkpoint in ${dir} has format ${String(meta.format)}, expected ${format}: refusing to resume`);
  if (meta.identity !== identity) throw new CheckpointMismatchError(`the checkpoint in ${dir} is of another configuration (${meta.identity}; this run: ${identity}): refusing to resume`);
  let arrays: Float32Array[];
  try {
    arrays = await readFloatTensors(path.join(dir, CHECKPOINT_BIN), meta.states.flatMap((s) => s.sizes));
  } catch (e) {
    throw new CheckpointMismatchError(`torn checkpoint in ${dir}: ${(e as Error).message}`);
  }
  let at = 0;
  const states = meta.states.map((s) => ({ step: s.step, tensors: new Map(s.names.map((n) => [n, arrays[at++]] as const)) }));
  return { epoch: meta.epoch, states };
}
