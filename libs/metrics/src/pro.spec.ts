import fc from 'fast-check';
import { PixelMap } from './connected-components';
import { aupro, areaUpTo, proCurve } from './pro';
import { bruteCandidates, bruteRegions } from './testing/reference';

/** Brute-force AUPRO straight from the definition: loop over candidate thresholds, count. */
function bruteAupro(maps: PixelMap[], masks: PixelMap[], limit: number): number | null {
  const regionsPerImage = masks.map((m) => bruteRegions(m.data, m.width, m.height));
  const regionIds: [number, number][] = [];
  regionsPerImage.forEach((ids, i) => new Set(Array.from(ids).filter((v) => v >= 0)).forEach((r) => regionIds.push([i, r])));
  let nGood = 0;
  masks.forEach((m) => Array.from(m.data).forEach((v) => (nGood += v === 0 ? 1 : 0)));
  if (regionIds.length === 0 || nGood === 0) return null;
  const allScores = maps.flatMap((m) => Array.from(m.data));
  const xs: number[] = [];
  const ys: number[] = [];
  for (const t of bruteCandidates(allScores)) {
    let fp = 0;
    maps.forEach((m, i) => m.data.length && Array.from(m.data).forEach((s, p) => (fp += masks[i].data[p] === 0 && s >= t ? 1 : 0)));
    let overlapSum = 0;
    for (const [i, r] of regionIds) {
      let size = 0;
      let hit = 0;
      regionsPerImage[i].forEach((id, p) => {
        if (id !== r) return;
        size++;
        if (maps[i].data[p] >= t) hit++;
      });
      overlapSum += hit / size;
    }
    xs.push(fp / nGood);
    ys.push(overlapSum / regionIds.length);
  }
  // trapezoids up to the limit, PRO interpolated linearly where the curve crosses it
  let area = 0;
  for (let i = 1; i < xs.length; i++) {
    if (xs[i - 1] >= limit) break;
    const x1 = Math.min(xs[i], limit);
    const y1 = xs[i] <= limit ? ys[i] : ys[i - 1] + ((ys[i] - ys[i - 1]) * (limit - xs[i - 1])) / (xs[i] - xs[i - 1]);
    area += ((x1 - xs[i - 1]) * (ys[i - 1] + y1)) / 2;
  }
  return area / limit;
}

const map = (width: number, height: number, data: number[]): PixelMap => ({ width, height, data });

describe('PRO / AUPRO', () => {
  it('hand-computed fixture: one region, one image', () => {
    // scores 0.1 0.5 | 0.6 0.4 (mask 0 0 1 1): points (0,0) (0,.5) (.5,.5) (.5,1) (1,1)
    const maps = [map(4, 1, [0.1, 0.5, 0.6, 0.4])];
    const masks = [map(4, 1, [0, 0, 1, 1])];
    const c = proCurve(maps, masks)!;
    expect(Array.from(c.fpr)).toEqual([0, 0, 0.5, 0.5, 1]);
    expect(Array.from(c.pro)).toEqual([0, 0.5, 0.5, 1, 1]);
    expect(aupro(maps, masks)).toBeCloseTo(0.5, 15); // 0.3 * 0.5 / 0.3
    expect(aupro(maps, masks, { fprLimit: 1 })).toBeCloseTo(0.75, 15);
  });

  it('each region weighs the same whatever its size (small region found, large one missed)', () => {
    // 1x6: regions {0} (size 1, score .9) and {2,3,4} (size 3, score .2); goods at 1 and 5 score .5 and .1
    const maps = [map(6, 1, [0.9, 0.5, 0.2, 0.2, 0.2, 0.1])];
    const masks = [map(6, 1, [1, 0, 1, 1, 1, 0])];
    const c = proCurve(maps, masks)!;
    expect(c.regions).toBe(2);
    // at t = 0.9: region A fully found, B not -> PRO 0.5 with FPR 0
    expect(c.pro[1]).toBe(0.5);
    expect(c.fpr[1]).toBe(0);
    // up to FPR 0.3: flat at 0.5 from 0 to 0.5 -> AUPRO 0.5
    expect(aupro(maps, masks)).toBeCloseTo(0.5, 15);
  });

  it('defect-free images add normal pixels (FPR) but no regions; null when no regions or no normal pixels', () => {
    const withClean = aupro([map(2, 1, [0.9, 0.1]), map(2, 1, [0.95, 0.0])], [map(2, 1, [1, 0]), map(2, 1, [0, 0])]);
    // normal pixels: 0.1, 0.95, 0.0 ; region score 0.9 -> at 0.95 FPR 1/3 already before PRO rises
    expect(withClean).toBeCloseTo(0, 15);
    expect(aupro([map(2, 1, [0.1, 0.2])], [map(2, 1, [0, 0])])).toBeNull();
    expect(aupro([map(2, 1, [0.1, 0.2])], [map(2, 1, [1, 1])])).toBeNull();
  });

  it('all scores equal: one jump from (0, 0) to (1, 1); the area up to 0.3 is the triangle under it', () => {
    // PRO(FPR) = FPR on [0, 1]: area up to 0.3 = 0.045, normalised 0.15
    expect(aupro([map(2, 2, [5, 5, 5, 5])], [map(2, 2, [1, 0, 0, 0])])).toBeCloseTo(0.15, 15);
  });

  it('rejects NaN, mismatched sizes and a bad limit', () => {
    expect(() => aupro([map(2, 1, [NaN, 1])], [map(2, 1, [0, 1])])).toThrow(/anomalyMaps\[0\].data\[0\] is NaN/);
    expect(() => aupro([map(2, 1, [0, 1])], [map(1, 2, [0, 1])])).toThrow(/2x1 but gtMasks\[0\] is 1x2/);
    expect(() => aupro([map(2, 1, [0, 1])], [map(2, 1, [0, 1])], { fprLimit: 0 })).toThrow(/fprLimit must be > 0/);
    expect(() => aupro([map(2, 1, [0, 1])], [])).toThrow(/1 anomaly maps but 0 masks/);
  });

  it('areaUpTo interpolates at the limit and ignores vertical steps', () => {
    expect(areaUpTo([0, 0, 1], [0, 1, 1], 0.5)).toBe(0.5);
    expect(areaUpTo([0, 1], [0, 1], 0.5)).toBe(0.125);
  });

  it('property: equals a brute-force AUPRO (naive labelling, per-threshold counting), empty to full masks, any magnitude', () => {
    const score = fc.oneof(
      { weight: 3, arbitrary: fc.integer({ min: 0, max: 5 }) },
      { weight: 3, arbitrary: fc.double({ min: 0, max: 1, noNaN: true }) },
      { weight: 1, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }) },
    );
    // level 0: no defect pixel, 3: every pixel defective, 1-2: a third / two thirds
    const img = fc.record({
      w: fc.integer({ min: 1, max: 6 }),
      h: fc.integer({ min: 1, max: 6 }),
      scores: fc.array(score, { minLength: 36, maxLength: 36 }),
      level: fc.integer({ min: 0, max: 3 }),
      draws: fc.array(fc.nat(2), { minLength: 36, maxLength: 36 }),
    });
    const limit = fc.oneof(fc.constantFrom(0.05, 0.3, 1, 1e-9), fc.double({ min: 1e-6, max: 1, noNaN: true }));
    fc.assert(
      fc.property(fc.array(img, { minLength: 1, maxLength: 3 }), limit, (imgs, limit) => {
        const maps = imgs.map((i) => map(i.w, i.h, i.scores.slice(0, i.w * i.h)));
        const masks = imgs.map((i) => map(i.w, i.h, i.draws.slice(0, i.w * i.h).map((d) => (d < i.level ? 1 : 0))));
        const want = bruteAupro(maps, masks, limit);
        const got = aupro(maps, masks, { fprLimit: limit });
        if (want === null) expect(got).toBeNull();
        else expect(got).toBeCloseTo(want, 10);
      }),
    );
  });
});
