import fc from 'fast-check';
import { dominates, paretoFront, type CostPoint } from './pareto';
import { MetricsInputError } from './validate';

// small integer grids give many ties and duplicates; extreme magnitudes too
const coordinate = fc.oneof(fc.integer({ min: 0, max: 4 }), fc.double({ min: -1e300, max: 1e300, noNaN: true, noDefaultInfinity: true }));
const points = fc.array(fc.record({ x: coordinate, y: coordinate }), { maxLength: 40 });

describe('paretoFront', () => {
  it('keeps exactly the points no other point dominates (brute force), ordered by x then y', () => {
    fc.assert(
      fc.property(points, (ps: CostPoint[]) => {
        const front = paretoFront(ps);
        const expected = ps.map((_, i) => i).filter((i) => !ps.some((q, j) => j !== i && dominates(q, ps[i])));
        expect([...front].sort((a, b) => a - b)).toEqual(expected);
        for (let k = 1; k < front.length; k++) {
          const a = ps[front[k - 1]];
          const b = ps[front[k]];
          expect(a.x <= b.x).toBe(true);
          // along the front, a larger x buys a lower y (or the same point again)
          expect(b.y <= a.y).toBe(true);
        }
      }),
    );
  });

  it('is empty for no points and keeps a single point, and keeps identical points together', () => {
    expect(paretoFront([])).toEqual([]);
    expect(paretoFront([{ x: 3, y: 0.2 }])).toEqual([0]);
    expect(paretoFront([{ x: 1, y: 1 }, { x: 1, y: 1 }, { x: 2, y: 2 }])).toEqual([0, 1]);
  });

  it('drops a run that is larger and has more overkill than another', () => {
    // sizes in MB against overkill: 180 MB / 10 % and 6 MB / 25 % are both optimal; 140 MB / 30 % is not
    expect(paretoFront([{ x: 180, y: 0.1 }, { x: 140, y: 0.3 }, { x: 6, y: 0.25 }])).toEqual([2, 0]);
  });

  it('refuses non-finite costs', () => {
    expect(() => paretoFront([{ x: NaN, y: 1 }])).toThrow(MetricsInputError);
    expect(() => paretoFront([{ x: 1, y: Infinity }])).toThrow(/non-finite/);
  });
});
