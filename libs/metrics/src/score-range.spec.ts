import fc from 'fast-check';
import { assertScoreRange, fractionOfRange, pointInRange, widenSingleValue } from './score-range';
import { MetricsInputError } from './validate';

const MAX = Number.MAX_VALUE;

describe('score range arithmetic', () => {
  it('pointInRange is exact at the ends and finite for a range wider than the largest double', () => {
    expect(pointInRange(0.1, 1, 0)).toBe(0.1);
    expect(pointInRange(0.1, 1, 1)).toBe(1);
    expect(pointInRange(0, 1, 0.25)).toBe(0.25);
    expect(pointInRange(-MAX, MAX, 0.5)).toBe(0);
    expect(pointInRange(-MAX, MAX, 0.75) / (MAX / 2)).toBeCloseTo(1, 12);
    expect(pointInRange(0, 5e-324, 0.5)).toBe(0); // no double between 0 and 5e-324
  });

  it('fractionOfRange maps the ends to 0 and 1 even for a range one subnormal wide, and never gives NaN', () => {
    expect(fractionOfRange(0, 0, 5e-324)).toBe(0);
    expect(fractionOfRange(5e-324, 0, 5e-324)).toBe(1);
    expect(fractionOfRange(0, -MAX, MAX)).toBe(0.5);
    expect(fractionOfRange(MAX, -MAX, MAX)).toBe(1);
    expect(fractionOfRange(3, 2, 2)).toBe(0);
    expect(fractionOfRange(MAX, -MAX, -MAX / 2)).toBe(Infinity); // far above a finite range: still "above"
  });

  it('widenSingleValue gives a unit step for ordinary values and a representable one for huge values', () => {
    expect(widenSingleValue(2)).toEqual([2, 3]);
    expect(widenSingleValue(-0.5)).toEqual([-0.5, 0.5]);
    const [lo, hi] = widenSingleValue(1e20);
    expect(lo).toBe(1e20);
    expect(hi).toBeGreaterThan(lo);
    expect(widenSingleValue(MAX)).toEqual([MAX - MAX / 2 ** 20, MAX]);
  });

  it('assertScoreRange refuses non-finite and inverted ranges', () => {
    expect(() => assertScoreRange(0, Infinity, 'bin range')).toThrow(MetricsInputError);
    expect(() => assertScoreRange(NaN, 1, 'bin range')).toThrow(/bin range \[NaN, 1\] must be finite with min <= max/);
    expect(() => assertScoreRange(1, 0, 'bin range')).toThrow(/min <= max/);
    expect(() => assertScoreRange(1, 1, 'bin range')).not.toThrow();
  });

  it('property: for any finite lo < hi, points are finite, inside and ordered; fractions are ordered and hit 0 and 1 at the ends', () => {
    const finite = fc.double({ noNaN: true, noDefaultInfinity: true });
    fc.assert(
      fc.property(finite, finite, fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), finite, finite, (a, b, t, u, x, y) => {
        fc.pre(a !== b);
        const [lo, hi] = a < b ? [a, b] : [b, a];
        const [p, q] = [pointInRange(lo, hi, Math.min(t, u)), pointInRange(lo, hi, Math.max(t, u))];
        expect(lo <= p && p <= q && q <= hi).toBe(true);
        expect([fractionOfRange(lo, lo, hi), fractionOfRange(hi, lo, hi)]).toEqual([0, 1]);
        const [fx, fy] = [fractionOfRange(Math.min(x, y), lo, hi), fractionOfRange(Math.max(x, y), lo, hi)];
        expect(Number.isNaN(fx) || Number.isNaN(fy)).toBe(false);
        expect(fx).toBeLessThanOrEqual(fy);
      }),
    );
  });
});
