/**
 * PatchCore's "training": patch features of every training image, then the approximate greedy coreset
 * that becomes the memory bank (paper section 3.2-3.3). No gradient step: PatchCore has no loss.
 */
import type { DecodedImage, FitOptions } from '@defectlab/ml-core';
import type { ResolvedPatchcoreConfig } from './config';
import { approximateGreedyCoreset } from './coreset';
import { gatherRows, memoryBankBytes, type MemoryBank } from './memory-bank';
import type { PatchFeaturePipeline } from './patch-features';

/** What fitting determines: the memory bank and the feature grid it was built on. */
export interface FittedState {
  readonly bank: MemoryBank;
  readonly gridH: number;
  readonly gridW: number;
  readonly trainPatches: number;
  readonly imageSize: readonly [number, number];
}

/** Builds the memory bank from `trainImages` (all of one size), reporting progress per batch and coreset step. */
export async function fitMemoryBank(
  pipeline: PatchFeaturePipeline,
  trainImages: readonly DecodedImage[],
  cfg: ResolvedPatchcoreConfig,
  options: Pick<FitOptions, 'onProgress' | 'signal'>,
): Promise<FittedState> {
  const started = Date.now();
  const { onProgress, signal } = options;
  const [w0, h0] = [trainImages[0].width, trainImages[0].height];
  // 1. patch features of every training image into one preallocated [patches, D] buffer
  let rows: Float32Array | null = null;
  let grid = { h: 0, w: 0 };
  for (let start = 0; start < trainImages.length; start += cfg.batchSize) {
    signal?.throwIfAborted();
    const batch = trainImages.slice(start, start + cfg.batchSize);
    const f = await pipeline.run(batch);
    if (!rows) {
      grid = { h: f.gridH, w: f.gridW };
      rows = new Float32Array(trainImages.length * f.gridH * f.gridW * f.dim);
    }
    rows.set(f.rows, start * grid.h * grid.w * f.dim);
    const done = start + batch.length;
    const elapsed = (Date.now() - started) / 1000;
    onProgress?.({ phase: 'features', step: done, steps: trainImages.length, throughput: done / elapsed, etaSeconds: (elapsed / done) * (trainImages.length - done) });
  }
  const all = { data: rows as Float32Array, dim: pipeline.dim };
  const nPatches = all.data.length / all.dim;

  // 2. approximate greedy coreset -> memory bank
  const count = Math.max(1, Math.min(nPatches, Math.floor(nPatches * cfg.coresetRatio)));
  const coresetStarted = Date.now();
  const indices = await approximateGreedyCoreset(all, {
    count,
    projectionDim: cfg.coresetProjectionDim,
    startPoints: cfg.coresetStartPoints,
    engine: cfg.coresetEngine,
    seed: cfg.seed,
    threads: cfg.threads,
    signal,
    onProgress: (done, total) => {
      const elapsed = (Date.now() - coresetStarted) / 1000;
      onProgress?.({ phase: 'coreset', step: done, steps: total, etaSeconds: done > 0 ? (elapsed / done) * (total - done) : undefined });
    },
  });
  const bank = gatherRows(all, indices);
  onProgress?.({ phase: 'memory-bank', message: `memory bank ${bank.size} x ${bank.dim} (${(memoryBankBytes(bank) / 1e6).toFixed(1)} MB) from ${nPatches} patches` });
  return { bank, gridH: grid.h, gridW: grid.w, trainPatches: nPatches, imageSize: [w0, h0] };
}
