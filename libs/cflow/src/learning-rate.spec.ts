import fc from 'fast-check';
import { cflowLearningRate } from './learning-rate';

describe('cflowLearningRate', () => {
  it('stays within [lr / 1000, lr], is non-increasing after the warm-up and starts at lr / 10 during it', () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-6, max: 1, noNaN: true }), fc.integer({ min: 1, max: 50 }), fc.integer({ min: 0, max: 5 }), fc.integer({ min: 1, max: 20 }), (lr, E, W, B) => {
        const s = { learningRate: lr, metaEpochs: E, warmupMetaEpochs: Math.min(W, E) };
        let previous = Infinity;
        for (let e = 0; e < E; e++) {
          for (let b = 0; b < B; b++) {
            const v = cflowLearningRate(s, e, b, B);
            expect(v).toBeGreaterThanOrEqual(lr * 1e-3 * (1 - 1e-12));
            expect(v).toBeLessThanOrEqual(lr * (1 + 1e-12));
            if (e >= s.warmupMetaEpochs) {
              expect(v).toBeLessThanOrEqual(previous * (1 + 1e-12));
              previous = v;
            }
          }
        }
        if (s.warmupMetaEpochs > 0) expect(cflowLearningRate(s, 0, 0, B)).toBeCloseTo(lr / 10, 12);
      }),
    );
  });

  it('the reference values: lr 2e-4, 25 meta-epochs, 2 warm-up', () => {
    const s = { learningRate: 2e-4, metaEpochs: 25, warmupMetaEpochs: 2 };
    const etaMin = 2e-7;
    expect(cflowLearningRate(s, 10, 0, 5)).toBeCloseTo(etaMin + ((2e-4 - etaMin) * (1 + Math.cos((Math.PI * 10) / 25))) / 2, 15);
    const to = etaMin + ((2e-4 - etaMin) * (1 + Math.cos((Math.PI * 2) / 25))) / 2;
    expect(cflowLearningRate(s, 1, 2, 4)).toBeCloseTo(2e-5 + (6 / 8) * (to - 2e-5), 15);
  });
});
