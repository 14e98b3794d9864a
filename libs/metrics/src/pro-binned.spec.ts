import fc from 'fast-check';
import { PixelMap } from './connected-components';
import { aupro } from './pro';
import { AuproAccumulator, auproBinned } from './pro-binned';
import { binRangeArb, binRangeFor, scoreUnitArb, seededRandom } from './testing/reference';

/** Synthetic maps with 1-3 rectangular defects of different sizes on some images. */
function synthetic(seed: number, images: number, h: number, w: number) {
  const rand = seededRandom(seed);
  const maps: PixelMap[] = [];
  const masks: PixelMap[] = [];
  for (let i = 0; i < images; i++) {
    const data = new Float32Array(h * w);
    const mask = new Uint8Array(h * w);
    const defects = i % 3 === 0 ? 0 : 1 + Math.floor(rand() * 3);
    for (let d = 0; d < defects; d++) {
      const rh = 1 + Math.floor(rand() * 5);
      const rw = 1 + Math.floor(rand() * 5);
      const y0 = Math.floor(rand() * (h - rh));
      const x0 = Math.floor(rand() * (w - rw));
      for (let y = y0; y < y0 + rh; y++) for (let x = x0; x < x0 + rw; x++) mask[y * w + x] = 1;
    }
    for (let p = 0; p < h * w; p++) data[p] = rand() + (mask[p] ? 0.5 * rand() : 0);
    maps.push({ data, width: w, height: h });
    masks.push({ data: mask, width: w, height: h });
  }
  return { maps, masks };
}

describe('binned AUPRO', () => {
  it('agrees with the exact AUPRO within 1e-3 with 65536 bins, and within its own bound', () => {
    const { maps, masks } = synthetic(11, 24, 32, 32);
    const exact = aupro(maps, masks)!;
    const binned = auproBinned(maps, masks)!;
    expect(Math.abs(binned.aupro - exact)).toBeLessThan(1e-3);
    expect(Math.abs(binned.aupro - exact)).toBeLessThanOrEqual(binned.maxAbsError + 1e-12);
    expect(binned.regions).toBeGreaterThan(10);
  });

  it('streaming over batches equals the two-pass helper', () => {
    const { maps, masks } = synthetic(5, 9, 16, 16);
    const lo = Math.min(...maps.map((m) => Math.min(...Array.from(m.data))));
    const hi = Math.max(...maps.map((m) => Math.max(...Array.from(m.data))));
    const acc = new AuproAccumulator({ min: lo, max: hi, bins: 500 });
    maps.forEach((m, i) => acc.add(m, masks[i]));
    expect(acc.result()).toEqual(auproBinned(maps, masks, { bins: 500 }));
  });

  it('property: |binned - exact| <= the reported bound for any bin count, range, score magnitude and limit', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1e6 }),
        fc.integer({ min: 1, max: 40 }),
        scoreUnitArb,
        binRangeArb,
        fc.constantFrom(0.05, 0.3, 1),
        (seed, bins, unit, range, fprLimit) => {
          const { masks, ...raw } = synthetic(seed, 4, 8, 8);
          const maps = raw.maps.map((m) => ({ ...m, data: Float64Array.from(m.data, (v) => v * unit) }));
          const exact = aupro(maps, masks, { fprLimit });
          const binned = auproBinned(maps, masks, { bins, ...binRangeFor(range, unit), fprLimit });
          if (exact === null) return expect(binned).toBeNull();
          expect(Math.abs(binned!.aupro - exact)).toBeLessThanOrEqual(binned!.maxAbsError + 1e-12);
        },
      ),
    );
  });

  it('regression: a range one subnormal wide, or wider than the largest double, loses no pixel', () => {
    for (const [min, max] of [[0, 5e-324], [-Number.MAX_VALUE, Number.MAX_VALUE]]) {
      const acc = new AuproAccumulator({ min, max, bins: 4 }).add(
        { data: [0, 5e-324, 1e308, -1e308], width: 2, height: 2 },
        { data: [0, 1, 0, 0], width: 2, height: 2 },
      );
      const goodPixels = acc.goodCounts.reduce((a, b) => a + b, 0);
      const regionWeight = acc.regionWeights.reduce((a, b) => a + b, 0);
      expect([goodPixels, regionWeight]).toEqual([3, 1]);
    }
  });

  it('degenerate inputs and errors', () => {
    const m = (data: number[]): PixelMap => ({ data, width: data.length, height: 1 });
    expect(auproBinned([m([0.1, 0.2])], [m([0, 0])])).toBeNull();
    expect(auproBinned([], [])).toBeNull();
    expect(auproBinned([m([5, 5, 5, 5])], [m([1, 0, 0, 0])])!.aupro).toBeCloseTo(0.15, 12); // one jump, as exact
    expect(() => auproBinned([m([NaN, 1])], [m([0, 1])])).toThrow(/anomalyMaps\[0\].data\[0\] is NaN/);
    expect(() => new AuproAccumulator({ min: 0, max: 1 }).result(0)).toThrow(/fprLimit must be > 0/);
    // with a given range the accumulator checks each map and mask itself, as the exact AUPRO does
    expect(() => auproBinned([m([NaN, 1])], [m([0, 1])], { min: 0, max: 1 })).toThrow(/anomalyMaps\[0\].data\[0\] is NaN/);
    expect(() => new AuproAccumulator({ min: 0, max: 1 }).add(m([0, 1]), { data: [0, 1], width: 1, height: 2 })).toThrow(/2x1 but gtMasks\[0\] is 1x2/);
  });
});
