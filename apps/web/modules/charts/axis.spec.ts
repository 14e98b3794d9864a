import fc from 'fast-check';
import { axis, percentTick } from './axis';

describe('axis', () => {
  it('gives rounded ticks where hand-divided ranges gave 1.58e+3 and 11.7283', () => {
    const a = axis([1585.2, 1868.7], [300, 0], { nice: true });
    expect(a.ticks.map((t) => t.label)).toEqual(['1,550', '1,600', '1,650', '1,700', '1,750', '1,800', '1,850', '1,900']);
    const b = axis([0, 11.7283], [0, 500], { nice: true });
    expect(b.ticks.map((t) => t.value)).toEqual([0, 2, 4, 6, 8, 10, 12]);
  });

  it('draws a log axis by decades and clamps values below its floor', () => {
    const a = axis([0.001, 1], [200, 0], { log: true, format: percentTick });
    expect(a.ticks.map((t) => t.label)).toEqual(['0.1 %', '1 %', '10 %', '100 %']);
    expect(a.scale(0)).toBe(200);
    expect(a.scale(0.01)).toBeCloseTo(200 - 200 / 3, 6);
  });

  it('keeps whole-number ticks only for integer axes (steps, counts)', () => {
    expect(axis([1, 3], [0, 400], { integer: true }).ticks.map((t) => t.label)).toEqual(['1', '2', '3']);
    expect(axis([1, 1.5], [0, 400], { integer: true }).ticks.map((t) => t.value)).toEqual([1]);
  });

  it('gives a single-valued domain an axis around its value', () => {
    expect(axis([0.5, 0.5], [0, 100]).domain[0]).toBeLessThan(0.5);
  });

  it('regression: a domain one subnormal step wide', () => {
    const a = axis([5e-324, 5e-324], [0, 400], { nice: true });
    expect(a.ticks.length).toBeGreaterThan(0);
  });

  it('property: ticks lie inside the (niced) domain, increase, and map inside the pixel range', () => {
    fc.assert(
      fc.property(fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.oneof(fc.double({ min: 0, max: 1e6, noNaN: true }), fc.constant(0), fc.double({ min: 0, max: 1e-300, noNaN: true })), (lo, width) => {
        const a = axis([lo, lo + width], [0, 400], { nice: true });
        const [d0, d1] = a.domain;
        for (let i = 0; i < a.ticks.length; i++) {
          const t = a.ticks[i];
          expect(t.value).toBeGreaterThanOrEqual(d0 - 1e-9 * Math.abs(d0));
          expect(t.value).toBeLessThanOrEqual(d1 + 1e-9 * Math.abs(d1));
          if (i > 0) expect(t.value).toBeGreaterThan(a.ticks[i - 1].value);
          expect(a.scale(t.value)).toBeGreaterThanOrEqual(-1e-6);
          expect(a.scale(t.value)).toBeLessThanOrEqual(400 + 1e-6);
        }
      }),
    );
  });
});
