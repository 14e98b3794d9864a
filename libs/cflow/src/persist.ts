/** Saved models (a JSON description + the float32 tensors in recorded order) and per-stage training checkpoints. */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { readSavedMeta, type SavedStageModelMeta } from '@defectlab/backbones';
import { readFloatTensors, readTrainingCheckpoint, writeFloatTensors, writeTrainingCheckpoint, type TrainingState } from '@defectlab/ml-core';
import type { CflowShape, CflowWeights, NamedTensor } from './network';
import type { StageGrid } from './train';

export const SAVE_FORMAT = 'defectlab-cflow-v1';
const MODEL_JSON = 'cflow.json';
const WEIGHTS = 'weights.f32';

export interface SavedCflow<C> extends SavedStageModelMeta<C> {
  readonly grids: readonly StageGrid[];
  readonly references: readonly number[];
  readonly shape: CflowShape;
  /** Per stage: trainable tensors then rotations, names and dims in file order. */
  readonly tensors: readonly (readonly { readonly name: string; readonly dims: readonly number[]; readonly rotation: boolean }[])[];
}

export async function saveCflow<C>(dir: string, weights: CflowWeights, meta: Omit<SavedCflow<C>, 'format' | 'shape' | 'tensors'>): Promise<void> {
  await fs.mkdir(dir, { recursive: true });
  const perStage = weights.params.map((ps, s) => [...ps.map((p) => ({ p, rotation: false })), ...weights.rotations[s].map((p) => ({ p, rotation: true }))]);
  await writeFloatTensors(path.join(dir, WEIGHTS), perStage.flat().map((x) => x.p.data));
  const saved: SavedCflow<C> = {
    format: SAVE_FORMAT,
    ...meta,
    shape: weights.shape,
    tensors: perStage.map((list) => list.map(({ p, rotation }) => ({ name: p.name, dims: p.dims, rotation }))),
  };
  await fs.writeFile(path.join(dir, MODEL_JSON), JSON.stringify(saved, null, 2));
}

export async function loadCflow<C>(dir: string): Promise<{ meta: SavedCflow<C>; weights: CflowWeights }> {
  const meta = await readSavedMeta<SavedCflow<C>>('cflow', dir, MODEL_JSON, SAVE_FORMAT);
  const flat = meta.tensors.flat();
  const arrays = await readFloatTensors(path.join(dir, WEIGHTS), flat.map((t) => t.dims.reduce((a, b) => a * b, 1)));
  let at = 0;
  const params: NamedTensor[][] = [];
  const rotations: NamedTensor[][] = [];
  for (const list of meta.tensors) {
    const ps: NamedTensor[] = [];
    const rs: NamedTensor[] = [];
    for (const t of list) (t.rotation ? rs : ps).push({ name: t.name, dims: t.dims, data: arrays[at++] });
    params.push(ps);
    rotations.push(rs);
  }
  return { meta, weights: { shape: meta.shape, params, rotations } };
}

const CHECKPOINT_FORMAT = 'defectlab-cflow-checkpoint/1';

/** Writes every stage's training state after `epoch` epochs as one checkpoint pair. */
export function writeCheckpoints(dir: string, identity: string, epoch: number, states: readonly TrainingState[]): Promise<void> {
  return writeTrainingCheckpoint(dir, { format: CHECKPOINT_FORMAT, identity, epoch, states });
}

/** The checkpoint in `dir`, or null; one of another identity is refused (CheckpointMismatchError). */
export function readCheckpoints(dir: string, identity: string): Promise<{ epoch: number; states: TrainingState[] } | null> {
  return readTrainingCheckpoint(dir, CHECKPOINT_FORMAT, identity);
}
