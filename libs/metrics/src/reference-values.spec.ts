// Cross-checks against values computed by an independent NumPy/SciPy implementation
// (fixtures/make-reference.py, numpy 2.4 + scipy 1.17), stored in fixtures/reference.json.
import reference from './fixtures/reference.json';
import { aupro } from './pro';
import { auproBinned } from './pro-binned';
import { auroc } from './roc';

describe('reference values from NumPy/SciPy', () => {
  const { width, height } = reference;
  const maps = reference.maps.map((data) => ({ data, width, height }));
  const masks = reference.masks.map((data) => ({ data, width, height }));

  it.each(Object.entries(reference.aupro))('AUPRO up to FPR %s matches the MVTec-style NumPy implementation', (limit, want) => {
    expect(aupro(maps, masks, { fprLimit: Number(limit) })).toBeCloseTo(want, 12);
    const binned = auproBinned(maps, masks, { fprLimit: Number(limit), bins: 125, min: -0.005, max: 1.245 })!;
    // scores are multiples of 0.01 in [0, 1.23]: bins of width 0.01 centred on the multiples
    // separate every distinct score, so the binned curve has every point of the exact one
    expect(binned.aupro).toBeCloseTo(want, 9);
  });

  it('image AUROC matches scipy.stats.mannwhitneyu U / (n1 n2) with ties', () => {
    expect(auroc(reference.image.scores, reference.image.labels)).toBeCloseTo(reference.image.auroc, 14);
  });
});
