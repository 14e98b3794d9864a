import { ZOperatingPoint } from '@defectlab/contracts';
import { figuresFromScores } from '@defectlab/metrics';
import { encodeThreshold, toOperatingPoint } from './to-operating-point';

describe('toOperatingPoint', () => {
  // validation: goods 0.1 0.2 0.3, defects 0.6 0.8 -> miss=0 threshold is the lowest defect score 0.6
  const val = { predScores: [0.1, 0.2, 0.3, 0.6, 0.8], gtLabels: [0, 0, 0, 1, 1] };
  // test at 0.6: goods 0.05 0.7 (one flagged), defects 0.5 (missed) 0.9 0.65 -> tp 2, fp 1, tn 1, fn 1
  const test = { predScores: [0.05, 0.7, 0.5, 0.9, 0.65], gtLabels: [0, 0, 1, 1, 1] };

  it('reports test figures at the validation threshold, with intervals and the fit figures', () => {
    const split = (s: { predScores: number[]; gtLabels: number[] }) => ({ scores: s.predScores, labels: s.gtLabels });
    const [p] = figuresFromScores(split(val), split(test), { points: [{ name: 'miss=0', spec: { kind: 'min-overkill-at-miss', maxMissRate: 0 }, oracle: false }] }).points;
    const op = toOperatingPoint(p);
    expect(ZOperatingPoint.parse(op)).toEqual(op);
    expect(op.threshold).toBeCloseTo(0.6, 12);
    expect(op.counts).toEqual({ tp: 2, fp: 1, tn: 1, fn: 1, good: 2, defective: 3 });
    expect(op.missRate).toBeCloseTo(1 / 3, 12);
    expect(op.overkillRate).toBeCloseTo(1 / 2, 12);
    expect(op.accuracy).toBeCloseTo(3 / 5, 12);
    expect(op.fit.counts).toEqual({ tp: 2, fp: 0, tn: 3, fn: 0, good: 3, defective: 2 });
    expect(op.missRateInterval?.method).toBe('clopper-pearson');
    expect(op.missRateInterval?.low).toBeLessThan(1 / 3);
    expect(op.missRateInterval?.high).toBeGreaterThan(1 / 3);
  });

  it('spells a "flag nothing" threshold as +Infinity and leaves empty-class rates null', () => {
    const [p] = figuresFromScores({ scores: val.predScores, labels: val.gtLabels }, { scores: [0.1, 0.2], labels: [0, 0] }, { points: [{ name: 'fixed', spec: { kind: 'fixed', threshold: Infinity }, oracle: false }] }).points;
    const op = toOperatingPoint(p);
    expect(op.threshold).toBe('+Infinity');
    expect(op.missRate).toBeNull();
    expect(op.missRateInterval).toBeNull();
    expect(op.overkillRate).toBe(0);
    expect(JSON.parse(JSON.stringify(op))).toEqual(op);
  });

  it('refuses thresholds JSON cannot carry', () => {
    expect(encodeThreshold(2.5)).toBe(2.5);
    expect(() => encodeThreshold(NaN)).toThrow(RangeError);
    expect(() => encodeThreshold(-Infinity)).toThrow(RangeError);
  });
});
