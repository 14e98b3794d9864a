import { MODEL_KINDS } from '../evaluation/model-kind.schema';
import { resolveModelConfig } from './model-config';
import { paperPresetDeviation, paperPresetDifferences } from './paper-differences';

describe('paperPresetDifferences', () => {
  it.each(MODEL_KINDS)('%s: the paper preset has none, whatever the seed and threads', (kind) => {
    const operational = kind === 'csflow' ? { featureBatchSize: 2 } : { threads: 4 };
    expect(paperPresetDeviation(kind, resolveModelConfig(kind, operational, 123))).toEqual([]);
  });

  it('names every shrinking dial that differs, with the paper value', () => {
    expect(paperPresetDifferences('patchcore', resolveModelConfig('patchcore', { targetDim: 128, coresetRatio: 0.01 }, 0))).toEqual([
      'targetDim 128 (paper: 1024)',
      'coresetRatio 0.01 (paper: 0.1)',
    ]);
    expect(paperPresetDifferences('fastflow', resolveModelConfig('fastflow', { layers: ['stage1'], cropMode: 'random' }, 0))).toEqual(['layers ["stage1"] (paper: ["stage1","stage2_act","stage3_act"])']);
    expect(paperPresetDeviation('cfa', resolveModelConfig('cfa', { preset: 'small' }, 0))[0]).toMatch(/^config differs from the paper preset: gammaD 8 \(paper: 1\), gammaC 4 \(paper: 1\)/);
  });
});
