import fc from 'fast-check';
import { confusionAtThreshold } from './confusion';
import { CLOPPER_PEARSON_MAX_N, clopperPearsonInterval, confusionIntervals, rateInterval, wilsonInterval } from './confidence-interval';
import { MetricsInputError } from './validate';

// Clopper-Pearson 95 % reference bounds: SciPy 1.17.1 scipy.stats.beta.ppf(0.025, k, n-k+1) and
// beta.ppf(0.975, k+1, n-k), computed once and stored here.
const CLOPPER_PEARSON_95: [number, number, number, number][] = [
  [0, 40, 0, 0.08809730287880237],
  [1, 200, 0.00012658102786701825, 0.02754189845720562],
  [5, 10, 0.18708602844739855, 0.8129139715526015],
  [0, 10, 0, 0.3084971078187607],
  [3, 1000, 0.0006190999316495713, 0.008742023238478303],
  [40, 40, 0.9119026971211976, 1],
  [17, 250, 0.040108494915371, 0.10664383604137127],
  [1, 1000000, 2.5317807663794178e-8, 5.571630655166939e-6],
  [500, 1000000, 0.00045713814855847455, 0.0005457967656540888],
];

describe('Clopper-Pearson', () => {
  it.each(CLOPPER_PEARSON_95)('%i / %i matches the tabulated bounds', (k, n, lo, hi) => {
    const r = clopperPearsonInterval(k, n);
    expect(r.lower / (lo || 1)).toBeCloseTo(lo === 0 ? 0 : 1, 8);
    expect(r.upper / hi).toBeCloseTo(1, 8);
  });

  it('0 / 40 shows an upper bound of 8.81 % (the "0 misses on 40 defects" case)', () => {
    expect(clopperPearsonInterval(0, 40).upper).toBeCloseTo(0.0881, 4);
  });

  it('closed forms at the ends: k = 0 upper = 1 - (a/2)^(1/n); k = n lower = (a/2)^(1/n)', () => {
    for (const n of [1, 7, 40, 1234]) {
      for (const conf of [0.9, 0.95, 0.99]) {
        const a = 1 - conf;
        expect(clopperPearsonInterval(0, n, conf).upper).toBeCloseTo(1 - Math.pow(a / 2, 1 / n), 12);
        expect(clopperPearsonInterval(n, n, conf).lower).toBeCloseTo(Math.pow(a / 2, 1 / n), 12);
      }
    }
  });

  it('property: 0 <= lower <= k/n <= upper <= 1, and wider at higher confidence, from n = 1 to the limit', () => {
    // small counts mostly; now and then up to CLOPPER_PEARSON_MAX_N; k = 0 and k = n included
    const n = fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 1, max: 5000 }) }, fc.integer({ min: 1, max: CLOPPER_PEARSON_MAX_N }), fc.constant(CLOPPER_PEARSON_MAX_N));
    const share = fc.oneof(fc.constantFrom(0, 1), fc.double({ min: 0, max: 1, noNaN: true }));
    fc.assert(
      fc.property(n, share, (n, u) => {
        const k = Math.min(n, Math.floor(u * (n + 1)));
        const r95 = clopperPearsonInterval(k, n, 0.95);
        const r99 = clopperPearsonInterval(k, n, 0.99);
        expect(r95.lower).toBeGreaterThanOrEqual(0);
        expect(r95.lower).toBeLessThanOrEqual(k / n);
        expect(r95.upper).toBeGreaterThanOrEqual(k / n);
        expect(r95.upper).toBeLessThanOrEqual(1);
        expect(r99.lower).toBeLessThanOrEqual(r95.lower + 1e-15);
        expect(r99.upper).toBeGreaterThanOrEqual(r95.upper - 1e-15);
      }),
    );
  });

  it('refuses n above the limit, where the incomplete beta loses its digits, and points to Wilson', () => {
    // at n = 2^53 - 1 the bounds of 1 / n used to come out inverted (lower 3.0e-15 > upper 3.3e-16)
    expect(() => clopperPearsonInterval(1, Number.MAX_SAFE_INTEGER)).toThrow(/n <= 1000000000 \(use the 'wilson' method/);
    expect(() => rateInterval(0, CLOPPER_PEARSON_MAX_N + 1)).toThrow(MetricsInputError);
    const w = rateInterval(1, Number.MAX_SAFE_INTEGER, { method: 'wilson' })!;
    expect(w.lower).toBeLessThanOrEqual(w.rate);
    expect(w.upper).toBeGreaterThanOrEqual(w.rate);
  });
});

describe('Wilson', () => {
  it('matches the formula by hand: 0/40 -> upper z^2/(n+z^2); 5/10 symmetric around 0.5', () => {
    const z = 1.959963984540054;
    expect(wilsonInterval(0, 40).lower).toBe(0);
    expect(wilsonInterval(0, 40).upper).toBeCloseTo((z * z) / (40 + z * z), 12); // 0.08762
    const w = wilsonInterval(5, 10);
    // (5 + z^2/2 -/+ z sqrt(2.5 + z^2/4)) / (10 + z^2) = 0.2366, 0.7634
    expect(w.lower).toBeCloseTo((5 + (z * z) / 2 - z * Math.sqrt(2.5 + (z * z) / 4)) / (10 + z * z), 12);
    expect(w.lower).toBeCloseTo(0.2366, 4);
    expect(w.lower + w.upper).toBeCloseTo(1, 12);
  });
});

describe('rateInterval / confusionIntervals', () => {
  it('defaults to Clopper-Pearson at 95 %', () => {
    expect(rateInterval(1, 200)).toMatchObject({ method: 'clopper-pearson', confidence: 0.95, rate: 0.005, k: 1, n: 200 });
    expect(rateInterval(1, 200, { method: 'wilson' })?.method).toBe('wilson');
  });

  it('returns null for n = 0 and throws on invalid counts or confidence', () => {
    expect(rateInterval(0, 0)).toBeNull();
    expect(() => rateInterval(3, 2)).toThrow(/k is 3; it must be an integer in \[0, 2\]/);
    expect(() => rateInterval(0.5, 2)).toThrow(/k is 0.5/);
    expect(() => rateInterval(1, 2, { confidence: 1 })).toThrow(/confidence is 1/);
    expect(() => rateInterval(NaN, 2)).toThrow(/k is NaN/);
  });

  it('wraps miss, overkill, accuracy and precision of a confusion result', () => {
    const m = confusionAtThreshold([0.1, 0.2, 0.9, 0.95], [0, 0, 1, 1], 0.5);
    const ci = confusionIntervals(m);
    expect(ci.missRate).toMatchObject({ k: 0, n: 2, lower: 0 });
    expect(ci.overkillRate).toMatchObject({ k: 0, n: 2 });
    expect(ci.accuracy).toMatchObject({ k: 4, n: 4, upper: 1 });
    const noDefects = confusionIntervals(confusionAtThreshold([0.1], [0], 0.5));
    expect(noDefects.missRate).toBeNull();
    expect(noDefects.precision).toBeNull();
  });
});
