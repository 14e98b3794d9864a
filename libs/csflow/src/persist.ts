/**
 * Saved models: `csflow.json` (format, config, layer, backbone, parameter shapes) + `weights.bin` (the
 * optional reduction, then every flow parameter in `flowParameters` order, float32). Format 2 holds
 * filters in ONNX layout [Cout, Cin, K, K]; format 1 (the TF.js engine, [K, K, Cin, Cout]) still loads.
 *
 * Training checkpoints, format v2 (the ONNX engine): parameters + Adam state (by name, ONNX layout),
 * optimizer step, epoch, the shuffling RNG state, the loss curve and (optional, since validation was
 * recorded) the per-epoch validation figures, as one float32 blob plus a JSON
 * index. Both files are written under temporary names and renamed; the JSON (renamed last) records
 * the blob's byte size, so a torn pair is detected instead of resumed. A format-1 checkpoint (the
 * TF.js engine: arrays by position in TF.js layout) is refused with a clear message; so is a
 * checkpoint of another preset or shape, naming both.
 *
 * The blob is written tensor by tensor and read back in chunks of at most {@link IO_CHUNK_BYTES}: the
 * paper preset's state (275 M parameters + two Adam moments) is 3.3 GB, past Node's 2 GiB limit on one
 * `readFile`, and concatenating it first would hold a second 3.3 GB copy in memory.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { assertSameBackbone, backboneRecordOf, type BackboneRecord } from '@defectlab/backbones';
import type { FeatureExtractor, FitReport } from '@defectlab/ml-core';
import { resolveConfig, type TCsflowConfig } from './config';
import { flowParameters, initFlowWeights, toOnnxFilter, withParameters, type FlowWeights } from './network';
import type { Reduction } from './reduction';

const MODEL_JSON = 'csflow.json';
const WEIGHTS_BIN = 'weights.bin';
const MODEL_FORMAT = 'defectlab-csflow/2';
const TFJS_MODEL_FORMAT = 'defectlab-csflow/1';

/** What a trained CS-Flow consists of besides its config. */
export interface TrainedFlow {
  readonly weights: FlowWeights;
  readonly reduction: Reduction | null;
  /** The backbone layer the flow reads. */
  readonly layer: string;
  /** The layer's channels (before any reduction). */
  readonly inputChannels: number;
}

interface SavedMeta {
  readonly format: string;
  readonly config: TCsflowConfig;
  readonly layer: string;
  readonly inputChannels: number;
  readonly reduction: { readonly inChannels: number; readonly outChannels: number } | null;
  readonly backbone: BackboneRecord;
  readonly variables: ReadonlyArray<readonly number[]>;
  readonly engine: FitReport['engine'] | null;
  readonly resolvedConfig: Record<string, unknown>;
}

/** Writes a trained model into `dir` (created). */
export async function saveCsflow(
  dir: string,
  t: TrainedFlow,
  meta: { readonly config: TCsflowConfig; readonly extractor: FeatureExtractor; readonly engine: FitReport['engine'] | null; readonly resolvedConfig: Record<string, unknown> },
): Promise<void> {
  await fs.promises.mkdir(dir, { recursive: true });
  const params = flowParameters(t.weights);
  const parts: Float32Array[] = t.reduction ? [t.reduction.weight, t.reduction.bias] : [];
  for (const p of params) parts.push(p.data);
  const blob = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let off = 0;
  for (const p of parts) {
    blob.set(p, off);
    off += p.length;
  }
  await fs.promises.writeFile(path.join(dir, WEIGHTS_BIN), Buffer.from(blob.buffer));
  const saved: SavedMeta = {
    format: MODEL_FORMAT,
    config: meta.config,
    layer: t.layer,
    inputChannels: t.inputChannels,
    reduction: t.reduction ? { inChannels: t.reduction.inChannels, outChannels: t.reduction.outChannels } : null,
    backbone: backboneRecordOf(meta.extractor),
    variables: params.map((p) => p.dims),
    engine: meta.engine,
    resolvedConfig: meta.resolvedConfig,
  };
  await fs.promises.writeFile(path.join(dir, MODEL_JSON), JSON.stringify(saved, null, 2));
}

/**
 * Reads a model written by {@link saveCsflow} (format 2, or format 1 of the TF.js engine, whose filters are
 * converted to ONNX layout); `extractor` must be the backbone it was trained with (checked by sha256).
 */
export async function loadCsflow(
  dir: string,
  extractor: FeatureExtractor,
): Promise<{ config: TCsflowConfig; trained: TrainedFlow; engine: FitReport['engine'] | null; resolvedConfig: Record<string, unknown> | null }> {
  const meta = JSON.parse(await fs.promises.readFile(path.join(dir, MODEL_JSON), 'utf8')) as SavedMeta;
  if (meta.format !== MODEL_FORMAT && meta.format !== TFJS_MODEL_FORMAT) throw new Error(`csflow: ${dir} holds format "${meta.format}", expected ${MODEL_FORMAT}`);
  assertSameBackbone('CsFlowModel', meta.backbone, extractor);
  const buf = await fs.promises.readFile(path.join(dir, WEIGHTS_BIN));
  const blob = new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
  const config = resolveConfig({ ...meta.config, featureLayer: meta.layer });
  let off = 0;
  const take = (n: number): Float32Array => {
    const out = blob.slice(off, off + n);
    off += n;
    return out;
  };
  let reduction: Reduction | null = null;
  if (meta.reduction) {
    const { inChannels, outChannels } = meta.reduction;
    reduction = { inChannels, outChannels, weight: take(inChannels * outChannels), bias: take(outChannels) };
  }
  const channels = Math.min(config.featureChannels, meta.inputChannels);
  const initial = initFlowWeights({ channels, hiddenChannels: config.hiddenChannels, kernelSizes: config.kernelSizes, clamp: config.clamp, leakySlope: config.leakySlope }, config.seed);
  const values = new Map<string, Float32Array>();
  for (const p of flowParameters(initial)) {
    const data = take(p.data.length);
    const [cout, cin, k] = p.dims;
    values.set(p.name, meta.format === TFJS_MODEL_FORMAT && p.dims.length === 4 ? toOnnxFilter(data, k, cin, cout) : data);
  }
  if (off !== blob.length) throw new Error(`csflow: ${WEIGHTS_BIN} has ${blob.length} values, the model needs ${off}`);
  return {
    config,
    trained: { weights: withParameters(initial, values), reduction, layer: meta.layer, inputChannels: meta.inputChannels },
    engine: meta.engine ?? null,
    resolvedConfig: meta.resolvedConfig ?? null,
  };
}

export const CHECKPOINT_JSON = 'checkpoint.json';
export const CHECKPOINT_BIN = 'checkpoint.bin';
export const CHECKPOINT_FORMAT = 'defectlab-csflow-checkpoint/2';
/** Largest single read or write of the blob (Node's fs refuses more than 2 GiB at once). */
export const IO_CHUNK_BYTES = 256 * 2 ** 20;

/** What a checkpoint must match to be resumed: the preset and every dimension of the training graph. */
export interface CheckpointIdentity {
  readonly preset: string;
  /** e.g. "channels 16, hidden 32, kernels 3,3,3,5, batch 16, sides 16/8/4". */
  readonly shape: string;
  /** Config + data hash (changes when the data or any setting changes). */
  readonly fingerprint: string;
}

export interface CheckpointV2 {
  readonly format: typeof CHECKPOINT_FORMAT;
  readonly identity: CheckpointIdentity;
  /** Epochs fully completed. */
  readonly epoch: number;
  /** Optimizer steps taken (bias correction continues from here). */
  readonly step: number;
  /** Shuffling RNG: epoch e shuffles with seed + e, so (seed, next epoch) is its whole state. */
  readonly rng: { readonly seed: number; readonly nextEpoch: number };
  readonly lossCurve: readonly number[];
  /**
   * Per completed epoch, the validation figures (null: no pass that epoch); absent in checkpoints written
   * before they were recorded, which still resume (their epochs' figures stay null).
   */
  readonly validation?: { readonly losses: readonly (number | null)[]; readonly auroc: readonly (number | null)[] };
  readonly blobBytes: number;
  readonly tensors: ReadonlyArray<{ readonly name: string; readonly offset: number; readonly length: number }>;
}

export class CheckpointMismatchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CheckpointMismatchError';
  }
}

/**
 * Writes the state tensors (by name, in order) and the metadata into `dir`.
 * @param chunkBytes largest single write (tests use a small one to cross chunk boundaries)
 */
export async function writeCheckpoint(
  dir: string,
  tensors: ReadonlyMap<string, Float32Array>,
  meta: Omit<CheckpointV2, 'format' | 'tensors' | 'blobBytes'>,
  chunkBytes = IO_CHUNK_BYTES,
): Promise<void> {
  await fs.promises.mkdir(dir, { recursive: true });
  const index: Array<{ name: string; offset: number; length: number }> = [];
  let off = 0;
  for (const [name, t] of tensors) {
    index.push({ name, offset: off, length: t.length });
    off += t.length;
  }
  const bin = path.join(dir, CHECKPOINT_BIN);
  const json = path.join(dir, CHECKPOINT_JSON);
  const body: CheckpointV2 = { format: CHECKPOINT_FORMAT, ...meta, blobBytes: off * 4, tensors: index };
  const out = await fs.promises.open(`${bin}.tmp`, 'w');
  try {
    for (const t of tensors.values()) await writeChunked(out, new Uint8Array(t.buffer, t.byteOffset, t.byteLength), chunkBytes);
  } finally {
    await out.close();
  }
  await fs.promises.writeFile(`${json}.tmp`, JSON.stringify(body));
  await fs.promises.rename(`${bin}.tmp`, bin);
  await fs.promises.rename(`${json}.tmp`, json);
}

/**
 * Reads the checkpoint in `dir` for a run with `expected` identity, or null when there is none.
 * @param chunkBytes largest single read (tests use a small one to cross chunk boundaries)
 * @throws CheckpointMismatchError for an old format, another preset or shape, or other config/data
 */
export async function readCheckpoint(dir: string, expected: CheckpointIdentity, chunkBytes = IO_CHUNK_BYTES): Promise<{ meta: CheckpointV2; tensors: Map<string, Float32Array> } | null> {
  const json = path.join(dir, CHECKPOINT_JSON);
  if (!fs.existsSync(json)) return null;
  const meta = JSON.parse(await fs.promises.readFile(json, 'utf8')) as Partial<CheckpointV2> & { adamStep?: number };
  if (meta.format !== CHECKPOINT_FORMAT) {
    const found = meta.format ?? (meta.adamStep !== undefined ? 'format 1 (TF.js engine)' : 'an unknown format');
    throw new CheckpointMismatchError(
      `csflow: the checkpoint in ${dir} is ${found}; this version resumes only ${CHECKPOINT_FORMAT} (ONNX engine). Start the run without it (delete the directory) to train from scratch.`,
    );
  }
  const id = meta.identity as CheckpointIdentity;
  if (id.preset !== expected.preset || id.shape !== expected.shape) {
    throw new CheckpointMismatchError(
      `csflow: the checkpoint in ${dir} is of preset "${id.preset}" (${id.shape}); this run is preset "${expected.preset}" (${expected.shape}): refusing to resume`,
    );
  }
  if (id.fingerprint !== expected.fingerprint) {
    throw new CheckpointMismatchError(`csflow: the checkpoint in ${dir} belongs to another config or dataset (same preset and shape); refusing to resume`);
  }
  const bin = path.join(dir, CHECKPOINT_BIN);
  const size = (await fs.promises.stat(bin)).size;
  if (size !== meta.blobBytes) {
    throw new CheckpointMismatchError(`csflow: ${bin} has ${size} bytes, its index expects ${meta.blobBytes} (torn checkpoint)`);
  }
  const all = new Float32Array(size / 4);
  const input = await fs.promises.open(bin, 'r');
  try {
    await readChunked(input, new Uint8Array(all.buffer), chunkBytes);
  } finally {
    await input.close();
  }
  const tensors = new Map((meta.tensors ?? []).map((t) => [t.name, all.subarray(t.offset, t.offset + t.length)] as const));
  return { meta: meta as CheckpointV2, tensors };
}

/** Appends all of `bytes` to the file, at most `chunkBytes` per write. */
async function writeChunked(file: fs.promises.FileHandle, bytes: Uint8Array, chunkBytes: number): Promise<void> {
  let done = 0;
  while (done < bytes.byteLength) {
    const { bytesWritten } = await file.write(bytes, done, Math.min(chunkBytes, bytes.byteLength - done));
    done += bytesWritten;
  }
}

/** Fills `into` from the start of the file, at most `chunkBytes` per read. */
async function readChunked(file: fs.promises.FileHandle, into: Uint8Array, chunkBytes: number): Promise<void> {
  let done = 0;
  while (done < into.byteLength) {
    const { bytesRead } = await file.read(into, done, Math.min(chunkBytes, into.byteLength - done), done);
    if (bytesRead === 0) throw new CheckpointMismatchError(`csflow: checkpoint blob ended after ${done} of ${into.byteLength} bytes (torn checkpoint)`);
    done += bytesRead;
  }
}
