/**
 * Saving and loading a trained CFA: `descriptor.f32` (W_f, W_c, b back to back), `centres.f32` (the memory
 * bank) and `cfa.json` (config, backbone, grid, radius). The format `defectlab-cfa-v1` is the one CfaModel
 * has written since its first release; models saved before the template split load unchanged.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { backboneRecordOf, readSavedMeta, savedConfigFor, type SavedStageModelMeta } from '@defectlab/backbones';
import { readFloatTensors, writeFloatTensors, type FeatureExtractor } from '@defectlab/ml-core';
import { resolveCfaConfig, type ResolvedCfaConfig } from './config';
import type { CfaTrainedState } from './train';

const SAVE_FORMAT = 'defectlab-cfa-v1';
const MODEL_JSON = 'cfa.json';
const DESCRIPTOR = 'descriptor.f32';
const CENTRES = 'centres.f32';

/** `cfa.json`: the common description, the grid and radius as fitted, the descriptor's and the bank's sizes. */
interface SavedMeta extends SavedStageModelMeta<ResolvedCfaConfig>, Pick<CfaTrainedState, 'gridH' | 'gridW' | 'radius'> {
  readonly descriptor: Pick<CfaTrainedState['weights'], 'inChannels' | 'outChannels'>;
  /** Memory bank rows. */
  readonly centres: number;
}

/** Writes a trained model into `dir` (created). */
export async function saveCfa(dir: string, config: ResolvedCfaConfig, extractor: FeatureExtractor, state: CfaTrainedState, deviations: readonly string[]): Promise<void> {
  await fs.mkdir(dir, { recursive: true });
  const { wf, wc, b, inChannels, outChannels } = state.weights;
  await writeFloatTensors(path.join(dir, DESCRIPTOR), [wf, wc, b]);
  await writeFloatTensors(path.join(dir, CENTRES), [state.centres]);
  const meta: SavedMeta = {
    format: SAVE_FORMAT,
    config,
    backbone: backboneRecordOf(extractor),
    descriptor: { inChannels, outChannels },
    centres: state.centres.length / outChannels,
    gridH: state.gridH,
    gridW: state.gridW,
    radius: state.radius,
    imageSize: state.imageSize,
    deviations,
  };
  await fs.writeFile(path.join(dir, MODEL_JSON), JSON.stringify(meta, null, 2));
}

/**
 * Reads what {@link saveCfa} wrote; `extractor` must be the backbone the model was trained with.
 * @throws Error for another format, another backbone or weight files of the wrong size
 */
export async function loadCfa(dir: string, extractor: FeatureExtractor): Promise<{ config: ResolvedCfaConfig; state: CfaTrainedState }> {
  const meta = await readSavedMeta<SavedMeta>('CfaModel.load', dir, MODEL_JSON, SAVE_FORMAT);
  const config = savedConfigFor('CfaModel', meta, extractor, resolveCfaConfig);
  const { inChannels: C, outChannels: D } = meta.descriptor;
  const [wf, wc, b] = await readFloatTensors(path.join(dir, DESCRIPTOR), [C * D, 2 * D, D]);
  const [centres] = await readFloatTensors(path.join(dir, CENTRES), [meta.centres * D]);
  return {
    config,
    state: { weights: { inChannels: C, outChannels: D, wf, wc, b }, centres, gridH: meta.gridH, gridW: meta.gridW, K: config.K, radius: meta.radius, imageSize: meta.imageSize },
  };
}
