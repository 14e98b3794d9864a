/**
 * Backbone layers followed by one onnxruntime "head" graph that turns the layer maps into one feature
 * row per grid position (PatchCore's feature head, CFA's aggregation): images of one size in, rows
 * [images * h * w, dim] out.
 */
import { toNormalizedBatch } from '@defectlab/datasets';
import { createSession, type DecodedImage, type FeatureExtractor, type OnnxSession } from '@defectlab/ml-core';

/** A backbone tap a head reads: its name and channel count. */
export interface BackboneLayer {
  readonly name: string;
  readonly channels: number;
}

/** The named layers with their channels, in the given order; a missing layer is an error naming `model` and the layers there are. */
export function backboneLayers(extractor: FeatureExtractor, names: readonly string[], model: string): BackboneLayer[] {
  return names.map((name) => {
    const info = extractor.layers.find((l) => l.name === name);
    if (!info) throw new Error(`${model}: backbone "${extractor.name}" has no layer "${name}" (has ${extractor.layers.map((l) => l.name).join(', ')})`);
    return { name, channels: info.channels };
  });
}

/** Head output of a batch: rows [images * h * w, dim], image-major, row-major grid. */
export interface PatchRows {
  readonly rows: Float32Array;
  readonly dim: number;
  readonly images: number;
  readonly gridH: number;
  readonly gridW: number;
}

/**
 * Backbone + head as one reusable pipeline. The head graph takes one input per layer (named after it,
 * [N, C, h, w]) and has one output [N, h, w, dim] (channels last). Owns the head session: call `dispose()`.
 */
export class PatchHeadPipeline {
  private constructor(
    private readonly extractor: FeatureExtractor,
    readonly layers: readonly BackboneLayer[],
    private readonly head: OnnxSession,
    /** Length of every row: the head output's last dimension. */
    readonly dim: number,
  ) {}

  /** Opens the head session on `headGraph` (ONNX bytes) whose rows have `options.dim` values. */
  static async create(
    extractor: FeatureExtractor,
    layers: readonly BackboneLayer[],
    headGraph: Uint8Array,
    options: { readonly dim: number; readonly threads: number },
  ): Promise<PatchHeadPipeline> {
    const head = await createSession(headGraph, { threads: options.threads });
    if (head.outputNames.length !== 1) {
      await head.release();
      throw new Error(`PatchHeadPipeline: the head graph must have one output, has ${head.outputNames.join(', ') || 'none'}`);
    }
    return new PatchHeadPipeline(extractor, layers, head, options.dim);
  }

  /** Rows of same-size images (one backbone call, one head call). */
  async run(images: readonly DecodedImage[]): Promise<PatchRows> {
    const batch = toNormalizedBatch(images, this.extractor.normalization);
    const maps = await this.extractor.extract(batch, this.layers.map((l) => l.name));
    const out = (await this.head.run(maps))[this.head.outputNames[0]];
    const [n, gridH, gridW, dim] = out.dims;
    if (out.dims.length !== 4 || dim !== this.dim) throw new Error(`PatchHeadPipeline: the head returned [${out.dims.join(', ')}], expected [N, h, w, ${this.dim}]`);
    return { rows: out.data, dim, images: n, gridH, gridW };
  }

  async dispose(): Promise<void> {
    await this.head.release();
  }
}
