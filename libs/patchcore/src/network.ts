import { OnnxGraphBuilder } from '@defectlab/ml-core';
import { patchcoreProjection } from './projection';

/** What the head needs to know about each backbone tap, fine to coarse. */
export interface HeadLayer {
  readonly name: string;
  readonly channels: number;
}

/**
 * Adds PatchCore's locally aware patch features to a graph (paper eq. 2 and section 3.1):
 * 1. each layer map [N, C_l, h_l, w_l] is averaged over a p x p neighbourhood (stride 1, zero padding
 *    counted, as the reference's zero-padded unfold followed by mean pooling does);
 * 2. coarser layers are resized bilinearly (half-pixel, = PyTorch align_corners=False) to the first
 *    layer's grid;
 * 3. the concatenated channels go through the reference's adaptive-average-pooling projection
 *    (see projection.ts), applied as a 1x1 convolution.
 * @returns the name of the patch features [N, h, w, D] (channels last, so the flat buffer is rows [N*h*w, D]).
 */
export function addFeatureHead(
  g: OnnxGraphBuilder,
  layerValues: readonly string[],
  layers: readonly HeadLayer[],
  patchSize: number,
  preprocessingDim: number,
  targetDim: number,
): string {
  const pad = Math.floor((patchSize - 1) / 2);
  const pooled = layerValues.map((v) =>
    patchSize > 1
      ? g.averagePool(v, { kernelShape: [patchSize, patchSize], strides: [1, 1], pads: [pad, pad, patchSize - 1 - pad, patchSize - 1 - pad], countIncludePad: true })
      : v,
  );
  const gridHW = g.shape(pooled[0], 2, 4);
  const aligned = pooled.map((v, i) => (i === 0 ? v : g.resize(v, { mode: 'linear', sizes: g.concat([g.shape(v, 0, 2), gridHW], 0) })));
  const concatenated = aligned.length > 1 ? g.concat(aligned, 1) : aligned[0];

  const channels = layers.map((l) => l.channels);
  const inTotal = channels.reduce((a, b) => a + b, 0);
  const w = patchcoreProjection(channels, preprocessingDim, targetDim); // [inTotal, targetDim]
  const convWeight = new Float32Array(targetDim * inTotal); // [targetDim, inTotal, 1, 1]
  for (let i = 0; i < inTotal; i++) for (let t = 0; t < targetDim; t++) convWeight[t * inTotal + i] = w[i * targetDim + t];
  const projected = g.conv(concatenated, g.initializer('projection', convWeight, [targetDim, inTotal, 1, 1]));
  return g.transpose(projected, [0, 2, 3, 1]);
}

/** A standalone head graph: inputs named after the layers, output "patches" [N, h, w, D]. */
export function buildFeatureHeadGraph(layers: readonly HeadLayer[], patchSize: number, preprocessingDim: number, targetDim: number): Uint8Array {
  const g = new OnnxGraphBuilder({ name: 'patchcore-feature-head' });
  const inputs = layers.map((l, i) => g.input(l.name, ['N', l.channels, `h${i}`, `w${i}`]));
  g.output(addFeatureHead(g, inputs, layers, patchSize, preprocessingDim, targetDim), 'patches', ['N', 'h0', 'w0', targetDim]);
  return g.toBytes();
}
