/**
 * float32 tensors on disk: several arrays concatenated into one little-endian file (the host's byte
 * order), and a training state (parameters + optimizer state + step) as a checkpoint pair
 * `<name>.json` + `<name>.f32` that replaces the previous one.
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

interface CheckpointMeta {
  readonly format: string;
  readonly epoch: number;
  readonly step: number;
  readonly names: string[];
  readonly sizes: number[];
}

/** Writes `state` after `epoch` epochs as `<name>.json` + `<name>.f32` in `dir` (created if missing). */
export async function writeTrainingCheckpoint(dir: string, name: string, format: string, epoch: number, state: TrainingState): Promise<void> {
  await fs.mkdir(dir, { recursive: true });
  const names = [...state.tensors.keys()];
  const tensors = names.map((n) => state.tensors.get(n) as Float32Array);
  await writeFloatTensors(path.join(dir, `${name}.f32`), tensors);
  const meta: CheckpointMeta = { format, epoch, step: state.step, names, sizes: tensors.map((t) => t.length) };
  await fs.writeFile(path.join(dir, `${name}.json`), JSON.stringify(meta));
}

/** The checkpoint `name` in `dir`, or null when there is none; a different `format` is an error. */
export async function readTrainingCheckpoint(dir: string, name: string, format: string): Promise<{ epoch: number; state: TrainingState } | null> {
  let meta: CheckpointMeta;
  try {
    meta = JSON.parse(await fs.readFile(path.join(dir, `${name}.json`), 'utf8')) as CheckpointMeta;
  } catch {
    return null;
  }
  if (meta.format !== format) throw new Error(`checkpoint ${name} in ${dir} has format ${String(meta.format)}, expected ${format}`);
  const arrays = await readFloatTensors(path.join(dir, `${name}.f32`), meta.sizes);
  return { epoch: meta.epoch, state: { step: meta.step, tensors: new Map(meta.names.map((n, i) => [n, arrays[i]])) } };
}
