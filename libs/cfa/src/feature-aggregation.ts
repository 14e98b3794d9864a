import { toNormalizedBatch } from '@defectlab/datasets';
import { createSession, OnnxGraphBuilder, type DecodedImage, type FeatureExtractor, type OnnxSession } from '@defectlab/ml-core';

/** A backbone tap used by CFA, fine to coarse. */
export interface AggregatedLayer {
  readonly name: string;
  readonly channels: number;
}

/**
 * Adds CFA's patch features to a graph (reference `Descriptor.forward` before its CoordConv): each
 * layer map is 3x3 average-pooled (stride 1, zero padding counted: PyTorch's `avg_pool2d(o, 3, 1, 1)`),
 * coarser maps are resized bilinearly (half-pixel = `align_corners=False`) to the finest grid, and all
 * are concatenated along channels.
 * @returns [N, h, w, C] channels last (so the flat buffer is rows [N*h*w, C]), C = sum of channels.
 */
export function addFeatureAggregation(g: OnnxGraphBuilder, layerValues: readonly string[]): string {
  const pooled = layerValues.map((v) => g.averagePool(v, { kernelShape: [3, 3], strides: [1, 1], pads: [1, 1, 1, 1], countIncludePad: true }));
  const gridHW = g.shape(pooled[0], 2, 4);
  const aligned = pooled.map((v, i) => (i === 0 ? v : g.resize(v, { mode: 'linear', sizes: g.concat([g.shape(v, 0, 2), gridHW], 0) })));
  return g.transpose(aligned.length > 1 ? g.concat(aligned, 1) : aligned[0], [0, 2, 3, 1]);
}

/** Aggregated features of a batch: rows [images * h * w, channels], image-major, row-major grid. */
export interface AggregatedFeatures {
  readonly rows: Float32Array;
  readonly channels: number;
  readonly images: number;
  readonly gridH: number;
  readonly gridW: number;
}

/** Backbone + aggregation graph as one reusable pipeline. Owns a session: call `dispose()`. */
export class FeatureAggregator {
  private constructor(
    private readonly extractor: FeatureExtractor,
    readonly layers: readonly AggregatedLayer[],
    private readonly session: OnnxSession,
  ) {}

  static async create(extractor: FeatureExtractor, layerNames: readonly string[], threads: number): Promise<FeatureAggregator> {
    const layers = layerNames.map((name) => {
      const info = extractor.layers.find((l) => l.name === name);
      if (!info) throw new Error(`cfa: backbone "${extractor.name}" has no layer "${name}" (has ${extractor.layers.map((l) => l.name).join(', ')})`);
      return { name, channels: info.channels };
    });
    const g = new OnnxGraphBuilder({ name: 'cfa-feature-aggregation' });
    const inputs = layers.map((l, i) => g.input(l.name, ['N', l.channels, `h${i}`, `w${i}`]));
    g.output(addFeatureAggregation(g, inputs), 'features');
    return new FeatureAggregator(extractor, layers, await createSession(g.toBytes(), { threads }));
  }

  get channels(): number {
    return this.layers.reduce((s, l) => s + l.channels, 0);
  }

  /** Aggregated features of same-size images (one backbone call). */
  async run(images: readonly DecodedImage[]): Promise<AggregatedFeatures> {
    const batch = toNormalizedBatch(images, this.extractor.normalization);
    const maps = await this.extractor.extract(batch, this.layers.map((l) => l.name));
    const { features } = await this.session.run(maps);
    const [n, gridH, gridW, channels] = features.dims;
    return { rows: features.data, channels, images: n, gridH, gridW };
  }

  async dispose(): Promise<void> {
    await this.session.release();
  }
}
