/** Saving and loading a fitted PatchCore: the memory bank (binary) and `patchcore.json` (config, grid, backbone). */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { backboneRecordOf, readSavedMeta, savedConfigFor, type SavedStageModelMeta } from '@defectlab/backbones';
import type { FeatureExtractor } from '@defectlab/ml-core';
import { resolvePatchcoreConfig, type ResolvedPatchcoreConfig } from './config';
import { readMemoryBank, writeMemoryBank, type MemoryBank } from './memory-bank';
import type { FittedState } from './train';

const SAVE_FORMAT = 'defectlab-patchcore-v1';
const MODEL_JSON = 'patchcore.json';

/** `patchcore.json`: the common description, the grid and patch count as fitted, and the bank's size. */
interface SavedMeta extends SavedStageModelMeta<ResolvedPatchcoreConfig>, Pick<FittedState, 'gridH' | 'gridW' | 'trainPatches'> {
  readonly bank: Pick<MemoryBank, 'size' | 'dim'>;
}

/** Writes a fitted model into `dir` (created). */
export async function saveFitted(dir: string, config: ResolvedPatchcoreConfig, extractor: FeatureExtractor, state: FittedState, deviations: readonly string[]): Promise<void> {
  await fs.mkdir(dir, { recursive: true });
  const meta: SavedMeta = {
    format: SAVE_FORMAT,
    config,
    backbone: backboneRecordOf(extractor),
    bank: { size: state.bank.size, dim: state.bank.dim },
    gridH: state.gridH,
    gridW: state.gridW,
    trainPatches: state.trainPatches,
    imageSize: state.imageSize,
    deviations,
  };
  await writeMemoryBank(dir, state.bank);
  await fs.writeFile(path.join(dir, MODEL_JSON), JSON.stringify(meta, null, 2));
}

/**
 * Reads what `saveFitted` wrote; `extractor` must be the backbone it was fitted with.
 * @throws Error for an unknown format or another backbone
 */
export async function readFitted(dir: string, extractor: FeatureExtractor): Promise<{ config: ResolvedPatchcoreConfig; state: FittedState }> {
  const meta = await readSavedMeta<SavedMeta>('PatchcoreModel.load', dir, MODEL_JSON, SAVE_FORMAT);
  const config = savedConfigFor('PatchcoreModel', meta, extractor, resolvePatchcoreConfig);
  const bank = await readMemoryBank(dir, meta.bank.dim, meta.bank.size);
  return {
    config,
    state: { bank, gridH: meta.gridH, gridW: meta.gridW, trainPatches: meta.trainPatches, imageSize: meta.imageSize },
  };
}
