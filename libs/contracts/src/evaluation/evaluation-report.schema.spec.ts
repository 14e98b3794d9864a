import { ZOperatingPoint, ZThreshold } from './evaluation-report.schema';

const counts = { tp: 9, fp: 2, tn: 18, fn: 1, good: 20, defective: 10 };
const point = {
  name: 'miss<=0.5%',
  rule: { kind: 'min-overkill-at-miss', maxMissRate: 0.005 },
  fitSplit: 'validation',
  reportSplit: 'test',
  threshold: 1.25,
  missRate: 0.1,
  overkillRate: 0.1,
  accuracy: 0.9,
  counts,
  missRateInterval: { low: 0.0025, high: 0.445, method: 'clopper-pearson', confidence: 0.95 },
  overkillRateInterval: null,
  accuracyInterval: null,
  oracle: false,
  fit: { missRate: 0, overkillRate: 0.2, accuracy: 0.8, counts },
};

describe('ZOperatingPoint', () => {
  it('accepts a complete point', () => {
    expect(ZOperatingPoint.safeParse(point).success).toBe(true);
  });

  it('spells an infinite threshold as "+Infinity" and rejects null', () => {
    expect(ZThreshold.safeParse('+Infinity').success).toBe(true);
    expect(ZThreshold.safeParse(null).success).toBe(false);
    expect(ZOperatingPoint.safeParse({ ...point, threshold: '+Infinity' }).success).toBe(true);
  });

  it('rejects rates outside [0, 1] and unknown rules, naming the field', () => {
    const bad = ZOperatingPoint.safeParse({ ...point, missRate: 1.5 });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0].path).toEqual(['missRate']);
    expect(ZOperatingPoint.safeParse({ ...point, rule: { kind: 'magic' } }).success).toBe(false);
  });
});
