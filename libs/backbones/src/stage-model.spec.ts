import type { FeatureExtractor } from '@defectlab/ml-core';
import { assertSameBackbone, backboneGraphBuilder, backboneRecordOf, trainingGraphBackend } from './stage-model';

/** Only the identity fields these helpers read; no model code runs. */
const backbone = (sha256: string) => ({ name: 'resnet', sha256, layers: [], normalization: { mean: [0, 0, 0], std: [1, 1, 1] } }) as unknown as FeatureExtractor;

describe('stage-model helpers', () => {
  it('accepts the backbone a model was saved with and names both when it differs', () => {
    expect(() => assertSameBackbone('CflowModel', backboneRecordOf(backbone('aa')), backbone('aa'))).not.toThrow();
    expect(() => assertSameBackbone('CflowModel', { name: 'old', sha256: 'aa' }, backbone('bb'))).toThrow('CflowModel.load: saved with backbone old (aa), got resnet (bb)');
  });

  it('says how many threads trained the graph, singular for one', () => {
    expect(trainingGraphBackend(1)).toBe('onnxruntime-node training graph (cpu, 1 thread)');
    expect(trainingGraphBackend(4)).toBe('onnxruntime-node training graph (cpu, 4 threads)');
  });

  it('refuses to export without a backbone graph to start from', async () => {
    await expect(backboneGraphBuilder('fastflow', { extractor: backbone('aa') }, '')).rejects.toThrow(/fastflow export: backbone "resnet" exposes no ONNX modelPath/);
  });
});
