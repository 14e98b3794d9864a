import { pixelAurocExact } from './pixel-auroc';
import { aupro } from './pro';
import { pixelMetrics, type PixelPair } from './pixel-metrics';

function pair(map: number[], mask: number[], width: number): PixelPair {
  return { map: Float32Array.from(map), mask: Uint8Array.from(mask), width, height: map.length / width };
}

describe('pixelMetrics', () => {
  it('returns nulls when no mask has a defective pixel', () => {
    expect(pixelMetrics([pair([0.1, 0.2, 0.3, 0.4], [0, 0, 0, 0], 2)])).toEqual({ pixelAuroc: null, pixelAurocMethod: null, pro: null });
  });

  it('agrees with the exact pixel AUROC and AUPRO of libs/metrics', () => {
    // two 4x4 images: one good, one with a 2-pixel defect partly scored high
    const good = pair([0.1, 0.2, 0.1, 0.3, 0.2, 0.5, 0.1, 0.1, 0.3, 0.2, 0.4, 0.1, 0.1, 0.2, 0.1, 0.3], new Array(16).fill(0), 4);
    const defMask = new Array(16).fill(0);
    defMask[5] = 1;
    defMask[6] = 1;
    const defective = pair([0.2, 0.1, 0.3, 0.1, 0.1, 0.9, 0.35, 0.2, 0.1, 0.2, 0.1, 0.6, 0.3, 0.1, 0.2, 0.1], defMask, 4);
    const r = pixelMetrics([good, defective], 0.3);
    const maps = [good, defective].map((p) => ({ data: p.map, width: p.width, height: p.height }));
    const masks = [good, defective].map((p) => ({ data: p.mask, width: p.width, height: p.height }));
    expect(r.pixelAurocMethod).toBe('exact');
    expect(r.pixelAuroc).toBeCloseTo(pixelAurocExact([good.map, defective.map], [good.mask, defective.mask]) as number, 12);
    expect(r.pro).toBeCloseTo(aupro(maps, masks, { fprLimit: 0.3 }) as number, 3);
  });
});
