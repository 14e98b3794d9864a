import { backboneLayers, PatchHeadPipeline } from '@defectlab/backbones';
import { OnnxGraphBuilder, type FeatureExtractor } from '@defectlab/ml-core';

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

/** CFA's patch features: the backbone layers through {@link addFeatureAggregation}, rows [images * h * w, sum of channels]. */
export type FeatureAggregator = PatchHeadPipeline;

/** Checks the layers against the extractor and opens the aggregation graph's session (call `dispose()`). */
export async function createFeatureAggregator(extractor: FeatureExtractor, layerNames: readonly string[], threads: number): Promise<FeatureAggregator> {
  const layers = backboneLayers(extractor, layerNames, 'cfa');
  const g = new OnnxGraphBuilder({ name: 'cfa-feature-aggregation' });
  const inputs = layers.map((l, i) => g.input(l.name, ['N', l.channels, `h${i}`, `w${i}`]));
  g.output(addFeatureAggregation(g, inputs), 'features');
  return PatchHeadPipeline.create(extractor, layers, g.toBytes(), { dim: layers.reduce((s, l) => s + l.channels, 0), threads });
}
