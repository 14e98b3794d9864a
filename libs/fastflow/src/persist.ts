/**
 * Saved models and training checkpoints: a JSON description plus the float32 tensors concatenated in
 * a recorded order (little-endian, as the host writes them).
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { TrainingState } from '@defectlab/ml-core';
import type { FastflowShape, FastflowWeights } from './network';

export const SAVE_FORMAT = 'defectlab-fastflow-v1';
const MODEL_JSON = 'fastflow.json';
const WEIGHTS = 'weights.f32';
const CHECKPOINT_JSON = 'fastflow-checkpoint.json';
const CHECKPOINT_BIN = 'fastflow-checkpoint.f32';

export interface SavedModel<C> {
  readonly format: string;
  readonly config: C;
  readonly backbone: { readonly name: string; readonly sha256: string };
  readonly imageSize: readonly [number, number];
  readonly shape: FastflowShape;
  readonly params: readonly { readonly name: string; readonly dims: readonly number[] }[];
  readonly perms: readonly (readonly number[])[][];
  readonly deviations: readonly string[];
}

function concat(arrays: readonly Float32Array[]): Float32Array {
  const out = new Float32Array(arrays.reduce((n, a) => n + a.length, 0));
  let at = 0;
  for (const a of arrays) {
    out.set(a, at);
    at += a.length;
  }
  return out;
}

function bytesOf(a: Float32Array): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

async function readFloats(file: string, expected: number): Promise<Float32Array> {
  const buf = await fs.readFile(file);
  if (buf.byteLength !== expected * 4) throw new Error(`fastflow: ${file} has ${buf.byteLength} bytes, expected ${expected * 4}`);
  const out = new Float32Array(expected);
  new Uint8Array(out.buffer).set(buf);
  return out;
}

export async function saveModel<C>(dir: string, weights: FastflowWeights, meta: Omit<SavedModel<C>, 'format' | 'shape' | 'params' | 'perms'>): Promise<void> {
  await fs.mkdir(dir, { recursive: true });
  await fs.writeFile(path.join(dir, WEIGHTS), bytesOf(concat(weights.params.map((p) => p.data))));
  const saved: SavedModel<C> = {
    format: SAVE_FORMAT,
    ...meta,
    shape: weights.shape,
    params: weights.params.map((p) => ({ name: p.name, dims: p.dims })),
    perms: weights.perms.map((stage) => stage.map((p) => Array.from(p))),
  };
  await fs.writeFile(path.join(dir, MODEL_JSON), JSON.stringify(saved, null, 2));
}

export async function loadModel<C>(dir: string): Promise<{ meta: SavedModel<C>; weights: FastflowWeights }> {
  const meta = JSON.parse(await fs.readFile(path.join(dir, MODEL_JSON), 'utf8')) as SavedModel<C>;
  if (meta.format !== SAVE_FORMAT) throw new Error(`fastflow: ${dir} holds format ${String(meta.format)}, expected ${SAVE_FORMAT}`);
  const sizes = meta.params.map((p) => p.dims.reduce((a, b) => a * b, 1));
  const flat = await readFloats(path.join(dir, WEIGHTS), sizes.reduce((a, b) => a + b, 0));
  let at = 0;
  const params = meta.params.map((p, i) => {
    const data = flat.slice(at, at + sizes[i]);
    at += sizes[i];
    return { name: p.name, dims: p.dims, data };
  });
  return { meta, weights: { shape: meta.shape, params, perms: meta.perms.map((stage) => stage.map((p) => Int32Array.from(p))) } };
}

/** Writes the training state after `epoch` epochs (replacing the previous checkpoint). */
export async function writeCheckpoint(dir: string, epoch: number, state: TrainingState): Promise<void> {
  await fs.mkdir(dir, { recursive: true });
  const names = [...state.tensors.keys()];
  const tensors = names.map((n) => state.tensors.get(n) as Float32Array);
  await fs.writeFile(path.join(dir, CHECKPOINT_BIN), bytesOf(concat(tensors)));
  const sizes = tensors.map((t) => t.length);
  await fs.writeFile(path.join(dir, CHECKPOINT_JSON), JSON.stringify({ format: SAVE_FORMAT, epoch, step: state.step, names, sizes }));
}

/** The checkpoint in `dir`, or null when there is none. */
export async function readCheckpoint(dir: string): Promise<{ epoch: number; state: TrainingState } | null> {
  let meta: { format: string; epoch: number; step: number; names: string[]; sizes: number[] };
  try {
    meta = JSON.parse(await fs.readFile(path.join(dir, CHECKPOINT_JSON), 'utf8'));
  } catch {
    return null;
  }
  if (meta.format !== SAVE_FORMAT) throw new Error(`fastflow: checkpoint in ${dir} has format ${String(meta.format)}`);
  const flat = await readFloats(path.join(dir, CHECKPOINT_BIN), meta.sizes.reduce((a, b) => a + b, 0));
  const tensors = new Map<string, Float32Array>();
  let at = 0;
  meta.names.forEach((n, i) => {
    tensors.set(n, flat.slice(at, at + meta.sizes[i]));
    at += meta.sizes[i];
  });
  return { epoch: meta.epoch, state: { step: meta.step, tensors } };
}
