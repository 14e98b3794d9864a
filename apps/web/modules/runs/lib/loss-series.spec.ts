import type { TRunProgressPoint } from '@defectlab/contracts';
import fc from 'fast-check';
import { atEpochEnds, lossSeries, phaseProgress, recordedEpochSeries } from './loss-series';

const point = (p: Partial<TRunProgressPoint>): TRunProgressPoint => ({
  at: '2026-01-01T00:00:00.000Z',
  phase: 'train',
  epoch: null,
  step: null,
  loss: null,
  throughput: null,
  etaSeconds: null,
  ...p,
});

describe('lossSeries', () => {
  it('places each step after every step of the earlier epochs (the step counter restarts per epoch)', () => {
    const points = [1, 2].flatMap((epoch) => [
      ...[1, 2, 3].map((step) => point({ epoch, step, loss: 10 - epoch - step / 10 })),
      point({ epoch, loss: 9 - epoch }),
    ]);
    const s = lossSeries(points);
    expect(s.steps.map((p) => p[0])).toEqual([1, 2, 3, 4, 5, 6]);
    expect(s.epochMeans).toEqual([
      [3, 8],
      [6, 7],
    ]);
    expect(s.epochStarts).toEqual([{ epoch: 2, x: 3 }]);
  });

  it('ignores reports without a loss and keeps the newest of a repeated step (a retried attempt)', () => {
    const s = lossSeries([point({ phase: 'features', step: 8 }), point({ epoch: 1, step: 1, loss: 5 }), point({ epoch: 1, step: 1, loss: 4 })]);
    expect(s.steps).toEqual([[1, 4]]);
  });

  it('numbers reports without an epoch in order', () => {
    expect(lossSeries([point({ loss: 3 }), point({ loss: 2 })]).steps).toEqual([
      [1, 3],
      [2, 2],
    ]);
  });

  it('property: the global step orders reports as (epoch, step) does and never repeats', () => {
    const report = fc.record({ epoch: fc.integer({ min: 0, max: 6 }), step: fc.integer({ min: 1, max: 40 }), loss: fc.double({ noNaN: true, noDefaultInfinity: true }) });
    fc.assert(
      fc.property(fc.array(report, { maxLength: 60 }), fc.array(fc.integer({ min: 0, max: 6 })), (reports, meanEpochs) => {
        const s = lossSeries([...reports.map((r) => point(r)), ...meanEpochs.map((epoch) => point({ epoch, loss: 1 }))]);
        const distinct = new Set(reports.map((r) => `${r.epoch}:${r.step}`));
        expect(s.steps).toHaveLength(distinct.size);
        const byKey = [...distinct].map((k) => k.split(':').map(Number)).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
        const xs = s.steps.map((p) => p[0]);
        for (let i = 1; i < xs.length; i++) expect(xs[i]).toBeGreaterThan(xs[i - 1]);
        // the i-th smallest (epoch, step) is the i-th smallest x
        const again = lossSeries(byKey.map(([epoch, step]) => point({ epoch, step, loss: epoch * 100 + step })));
        expect(again.steps.map((p) => p[1])).toEqual(byKey.map(([e, st]) => e * 100 + st));
        // an epoch's mean sits at or after every step of that epoch and before the next epoch's steps
        for (const [x] of s.epochMeans) expect(Number.isFinite(x)).toBe(true);
      }),
    );
  });
});

describe('phaseProgress', () => {
  it('reports each phase with its largest step and a step-over-time curve (PatchCore coreset)', () => {
    const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString();
    const phases = phaseProgress([
      point({ phase: 'features', step: 8, at: at(0) }),
      point({ phase: 'features', step: 14, at: at(2) }),
      point({ phase: 'coreset', step: 393, at: at(3) }),
      point({ phase: 'coreset', step: 1097, at: at(7) }),
      point({ phase: 'evaluate', at: at(9) }),
    ]);
    expect(phases.map((p) => [p.phase, p.lastStep, p.seconds])).toEqual([
      ['features', 14, 2],
      ['coreset', 1097, 4],
      ['evaluate', null, 0],
    ]);
    expect(phases[1].curve).toEqual([
      [0, 393],
      [4, 1097],
    ]);
  });
});

describe('recordedEpochSeries', () => {
  it('finds the per-epoch validation series a model records in its fit report (CFA: validationLosses)', () => {
    const report = { training: { trainLosses: [3, 2], validationLosses: [2.5, 1.5], validationAuroc: [0.7, 0.8], keptEpoch: 2 } };
    expect(recordedEpochSeries(report)).toEqual([
      { name: 'validation loss per epoch', values: [2.5, 1.5] },
      { name: 'validation auroc per epoch', values: [0.7, 0.8] },
    ]);
    expect(recordedEpochSeries({ training: { validationLosses: [] } })).toEqual([]);
    // CS-Flow with validateEvery 2: null where an epoch was not validated; a series of nulls only is left out
    expect(recordedEpochSeries({ training: { validationAuroc: [null, 0.8, null, 0.9], validationLosses: [null, null], validationX: [1, 'a'] } })).toEqual([
      { name: 'validation auroc per epoch', values: [null, 0.8, null, 0.9] },
    ]);
    expect(recordedEpochSeries(null)).toEqual([]);
  });

  it('draws them at the end of each epoch', () => {
    const s = lossSeries([1, 2].flatMap((epoch) => [point({ epoch, step: 1, loss: 1 }), point({ epoch, step: 2, loss: 1 }), point({ epoch, loss: 1 })]));
    expect(atEpochEnds([0.5, 0.4], s)).toEqual([
      [2, 0.5],
      [4, 0.4],
    ]);
    expect(atEpochEnds([null, 0.4], s)).toEqual([[4, 0.4]]);
  });
});
