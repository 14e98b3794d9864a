/** Saved models (a JSON description + the float32 parameters in recorded order) and training checkpoints. */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { readSavedMeta, type SavedStageModelMeta } from '@defectlab/backbones';
import { readFloatTensors, readTrainingCheckpoint, writeFloatTensors, writeTrainingCheckpoint, type TrainingState } from '@defectlab/ml-core';
import type { FastflowShape, FastflowWeights } from './network';

export const SAVE_FORMAT = 'defectlab-fastflow-v1';
const MODEL_JSON = 'fastflow.json';
const WEIGHTS = 'weights.f32';
const CHECKPOINT_FORMAT = 'defectlab-fastflow-checkpoint/1';

export interface SavedModel<C> extends SavedStageModelMeta<C> {
  readonly shape: FastflowShape;
  readonly params: readonly { readonly name: string; readonly dims: readonly number[] }[];
  readonly perms: readonly (readonly number[])[][];
}

export async function saveModel<C>(dir: string, weights: FastflowWeights, meta: Omit<SavedModel<C>, 'format' | 'shape' | 'params' | 'perms'>): Promise<void> {
  await fs.mkdir(dir, { recursive: true });
  await writeFloatTensors(path.join(dir, WEIGHTS), weights.params.map((p) => p.data));
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
  const meta = await readSavedMeta<SavedModel<C>>('fastflow', dir, MODEL_JSON, SAVE_FORMAT);
  const arrays = await readFloatTensors(path.join(dir, WEIGHTS), meta.params.map((p) => p.dims.reduce((a, b) => a * b, 1)));
  const params = meta.params.map((p, i) => ({ name: p.name, dims: p.dims, data: arrays[i] }));
  return { meta, weights: { shape: meta.shape, params, perms: meta.perms.map((stage) => stage.map((p) => Int32Array.from(p))) } };
}

/** Writes the training state after `epoch` epochs; `identity` names what a resumed fit must match. */
export function writeCheckpoint(dir: string, identity: string, epoch: number, state: TrainingState): Promise<void> {
  return writeTrainingCheckpoint(dir, { format: CHECKPOINT_FORMAT, identity, epoch, states: [state] });
}

/** The checkpoint in `dir`, or null; one of another identity is refused (CheckpointMismatchError). */
export async function readCheckpoint(dir: string, identity: string): Promise<{ epoch: number; state: TrainingState } | null> {
  const c = await readTrainingCheckpoint(dir, CHECKPOINT_FORMAT, identity);
  return c && { epoch: c.epoch, state: c.states[0] };
}
