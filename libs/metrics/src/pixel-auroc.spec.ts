import fc from 'fast-check';
import { PixelAurocAccumulator, pixelAuroc, pixelAurocBinned, pixelAurocExact } from './pixel-auroc';
import { binRangeArb, binRangeFor, bruteAuroc, scoreUnitArb, seededRandom } from './testing/reference';

/** Synthetic maps: background ~ U(0, 1), a random rectangle of defect pixels shifted up by `shift`. */
function syntheticMaps(seed: number, images: number, h: number, w: number, shift: number) {
  const rand = seededRandom(seed);
  const maps: Float32Array[] = [];
  const masks: Uint8Array[] = [];
  for (let i = 0; i < images; i++) {
    const map = new Float32Array(h * w);
    const mask = new Uint8Array(h * w);
    const hasDefect = i % 3 !== 0;
    const y0 = Math.floor(rand() * (h - 4));
    const x0 = Math.floor(rand() * (w - 4));
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const p = y * w + x;
        const inside = hasDefect && y >= y0 && y < y0 + 4 && x >= x0 && x < x0 + 4;
        mask[p] = inside ? 1 : 0;
        map[p] = rand() + (inside ? shift : 0);
      }
    }
    maps.push(map);
    masks.push(mask);
  }
  return { maps, masks };
}

describe('pixel AUROC', () => {
  it('exact: hand-computed fixture over two images, with a tie', () => {
    // pixels good 0.1 0.4 0.5 ; defective 0.4 0.8 -> 0.75 (see roc.spec)
    expect(pixelAurocExact([[0.1, 0.4], [0.5, 0.4, 0.8]], [[0, 0], [0, 1, 1]])).toBe(0.75);
  });

  it('exact equals the brute-force pair count over all pixels', () => {
    const { maps, masks } = syntheticMaps(1, 4, 6, 6, 0.3);
    const flatScores = maps.flatMap((m) => Array.from(m));
    const flatLabels = masks.flatMap((m) => Array.from(m));
    expect(pixelAurocExact(maps, masks)).toBeCloseTo(bruteAuroc(flatScores, flatLabels)!, 12);
  });

  it('binned agrees with exact within 1e-4 on 20 maps of 32x32 (65536 bins), and within its own bound', () => {
    const { maps, masks } = syntheticMaps(7, 20, 32, 32, 0.4);
    const exact = pixelAurocExact(maps, masks)!;
    const binned = pixelAurocBinned(maps, masks)!;
    expect(binned.method).toBe('binned');
    expect(Math.abs(binned.auroc - exact)).toBeLessThan(1e-4);
    expect(Math.abs(binned.auroc - exact)).toBeLessThanOrEqual(binned.maxAbsError + 1e-15);
    expect(binned.nPixels).toBe(20 * 32 * 32);
  });

  it('streaming accumulator over batches equals the two-pass binned result', () => {
    const { maps, masks } = syntheticMaps(3, 9, 16, 16, 0.2);
    let lo = Infinity;
    let hi = -Infinity;
    for (const m of maps) for (const v of m) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
    const acc = new PixelAurocAccumulator({ min: lo, max: hi, bins: 1000 });
    for (let i = 0; i < maps.length; i++) acc.add(maps[i], masks[i]);
    expect(acc.result()).toEqual(pixelAurocBinned(maps, masks, { bins: 1000 }));
  });

  it('property: |binned - exact| <= reported bound and no pixel is lost, for any bin count, range and score magnitude', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1e6 }), fc.integer({ min: 1, max: 16 }), scoreUnitArb, binRangeArb, (seed, bins, unit, range) => {
        const synthetic = syntheticMaps(seed, 3, 6, 6, 0.3);
        const maps = synthetic.maps.map((m) => Float64Array.from(m, (v) => v * unit));
        const exact = pixelAurocExact(maps, synthetic.masks);
        const binned = pixelAurocBinned(maps, synthetic.masks, { bins, ...binRangeFor(range, unit) });
        if (exact === null) return expect(binned).toBeNull();
        expect(binned!.nPixels).toBe(3 * 6 * 6);
        expect(Math.abs(binned!.auroc - exact)).toBeLessThanOrEqual(binned!.maxAbsError + 1e-12);
      }),
    );
  });

  it('regression: a range one subnormal wide, or wider than the largest double, loses no pixel', () => {
    for (const [min, max] of [[0, 5e-324], [-Number.MAX_VALUE, Number.MAX_VALUE], [0, 0]]) {
      const r = new PixelAurocAccumulator({ min, max, bins: 4 }).add([0, 5e-324, 1e308, -1e308], [0, 1, 1, 0]).result()!;
      expect(r.nPixels).toBe(4);
      expect(r.nDefectivePixels).toBe(2);
    }
  });

  it('pixelAuroc picks exact for small inputs and binned above maxExactPixels', () => {
    const { maps, masks } = syntheticMaps(5, 6, 16, 16, 0.3);
    const small = pixelAuroc(maps, masks)!;
    expect(small.method).toBe('exact');
    expect(small.maxAbsError).toBe(0);
    const big = pixelAuroc(maps, masks, { maxExactPixels: 100 })!;
    expect(big.method).toBe('binned');
    expect(Math.abs(big.auroc - small.auroc)).toBeLessThan(1e-3);
  });

  it('degenerate inputs: null when one class is empty; clear errors for NaN, bad masks, mismatched sizes', () => {
    expect(pixelAurocExact([[0.1, 0.2]], [[0, 0]])).toBeNull();
    expect(pixelAuroc([[0.1, 0.2]], [[1, 1]])).toBeNull();
    expect(pixelAurocBinned([[0.3, 0.3]], [[0, 1]])!.auroc).toBe(0.5); // all equal
    expect(() => pixelAurocExact([[0.1, NaN]], [[0, 1]])).toThrow(/anomalyMaps\[0\]\[1\] is NaN/);
    expect(() => pixelAurocExact([[0.1, 0.2]], [[0, 255]])).toThrow(/gtMasks\[0\]\[1\] is 255/);
    expect(() => pixelAurocExact([[0.1, 0.2]], [[0]])).toThrow(/anomalyMaps\[0\] has 2 elements but gtMasks\[0\] has 1/);
    expect(() => pixelAurocExact([[0.1]], [])).toThrow(/1 anomaly maps but 0 masks/);
    expect(() => new PixelAurocAccumulator({ min: 1, max: 0 })).toThrow(/min <= max/);
  });
});
