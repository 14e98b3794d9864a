import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadSample, readMvtecFolder } from '../mvtec-folder';
import { createRng } from '../prng';
import { renderFlex } from './flex';
import { renderLens } from './lens';
import { renderSmt } from './smt';
import { DEMO_DEFECT_TYPES, generateDemoDataset, PRODUCT_LINES, type DemoSample } from './generate-demo-dataset';

const SIZE = 96;
// bound once: global lookups are slow inside jest's vm context (see prng.ts)
const math = Math;

/** Mean absolute difference of two same-size images, in gray levels. */
function meanAbsDiff(a: Uint8Array, b: Uint8Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += math.abs(a[i] - b[i]);
  return s / a.length;
}

/** Luma of an RGB image (one value per pixel). */
function gray(data: Uint8Array): Float32Array {
  const out = new Float32Array(data.length / 3);
  for (let i = 0; i < out.length; i++) out[i] = 0.299 * data[i * 3] + 0.587 * data[i * 3 + 1] + 0.114 * data[i * 3 + 2];
  return out;
}

/**
 * A tiny nearest-neighbour detector on luma: per pixel, the smallest |x - g| over the good images (in a 3x3
 * neighbourhood, to forgive small shifts); returns its mean inside and outside the mask.
 */
function defectContrast(sample: DemoSample, goods: readonly DemoSample[]): { inside: number; outside: number } {
  const { width: w, height: h } = sample.image;
  const x0 = gray(sample.image.data);
  const gs = goods.map((g) => gray(g.image.data));
  let inS = 0;
  let inN = 0;
  let outS = 0;
  let outN = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const v = x0[y * w + x];
      let best = Infinity;
      for (const g of gs) {
        for (let dy = -1; dy <= 1; dy++) {
          const yy = math.min(h - 1, math.max(0, y + dy));
          for (let dx = -1; dx <= 1; dx++) {
            const xx = math.min(w - 1, math.max(0, x + dx));
            const d = math.abs(v - g[yy * w + xx]);
            if (d < best) best = d;
          }
        }
      }
      if (sample.mask?.data[y * w + x]) {
        inS += best;
        inN++;
      } else {
        outS += best;
        outN++;
      }
    }
  }
  return { inside: inS / math.max(1, inN), outside: outS / math.max(1, outN) };
}

describe('generateDemoDataset', () => {
  it.each(PRODUCT_LINES)('%s: deterministic per seed, different across seeds', async (productLine) => {
    const counts = { trainGood: 2, testGood: 1, testDefective: 2 };
    const a = await generateDemoDataset({ productLine, seed: 4, counts, size: SIZE });
    const b = await generateDemoDataset({ productLine, seed: 4, counts, size: SIZE });
    const c = await generateDemoDataset({ productLine, seed: 5, counts, size: SIZE });
    expect(a.samples.map((s) => s.relPath)).toEqual(b.samples.map((s) => s.relPath));
    a.samples.forEach((s, i) => expect(Buffer.from(s.image.data).equals(Buffer.from(b.samples[i].image.data))).toBe(true));
    expect(Buffer.from(a.samples[0].image.data).equals(Buffer.from(c.samples[0].image.data))).toBe(false);
    // growing one count leaves the other images unchanged
    const d = await generateDemoDataset({ productLine, seed: 4, counts: { ...counts, trainGood: 3 }, size: SIZE });
    const testGoodA = a.samples.find((s) => s.relPath === 'test/good/000.png');
    const testGoodD = d.samples.find((s) => s.relPath === 'test/good/000.png');
    expect(Buffer.from(testGoodA?.image.data ?? []).equals(Buffer.from(testGoodD?.image.data ?? []))).toBe(true);
  });

  it.each(PRODUCT_LINES)('%s: normal images vary a little; every defect type has a non-empty mask that a nearest-neighbour check sees', async (productLine) => {
    const types = DEMO_DEFECT_TYPES[productLine];
    const ds = await generateDemoDataset({ productLine, seed: 11, counts: { trainGood: 8, testGood: 2, testDefective: types.length }, size: SIZE });
    const goods = ds.samples.filter((s) => s.split === 'train');
    const diff = meanAbsDiff(goods[0].image.data, goods[1].image.data);
    expect(diff).toBeGreaterThan(1); // not identical copies
    expect(diff).toBeLessThan(40); // but the same product
    const defects = ds.samples.filter((s) => s.label === 'defective');
    expect(new Set(defects.map((s) => s.defectType))).toEqual(new Set(types));
    for (const s of defects) {
      const area = s.mask?.data.reduce((a, v) => a + v, 0) ?? 0;
      expect(area).toBeGreaterThan(3);
      expect(area).toBeLessThan(0.2 * SIZE * SIZE);
      const { inside, outside } = defectContrast(s, goods);
      expect({ type: s.defectType, ok: inside > 2 * outside }).toEqual({ type: s.defectType, ok: true });
    }
    for (const s of ds.samples.filter((x) => x.label === 'good')) expect(s.mask).toBeNull();
  });

  it('a product refuses a defect type it does not have, naming the product', () => {
    expect(() => renderLens(SIZE, createRng(1), 'bridge')).toThrow('lens has no defect "bridge"');
    expect(() => renderFlex(SIZE, createRng(1), 'missing')).toThrow('flex has no defect "missing"');
    expect(() => renderSmt(SIZE, createRng(1), 'scratch')).toThrow('smt has no defect "scratch"');
  });

  it('subtleFraction draws a share of defects faintly at the same place, leaving good images unchanged', async () => {
    const counts = { trainGood: 6, testGood: 1, testDefective: 6 };
    const full = await generateDemoDataset({ productLine: 'lens', seed: 9, counts, size: SIZE });
    const faint = await generateDemoDataset({ productLine: 'lens', seed: 9, counts, size: SIZE, subtleFraction: 1 });
    const goods = full.samples.filter((s) => s.split === 'train');
    full.samples.forEach((s, i) => {
      const f = faint.samples[i];
      if (s.label === 'good') {
        expect(Buffer.from(f.image.data).equals(Buffer.from(s.image.data))).toBe(true);
        expect(f.severity).toBe(1);
        return;
      }
      expect(s.severity).toBe(1);
      expect(f.severity).toBeGreaterThanOrEqual(0.25);
      expect(f.severity).toBeLessThanOrEqual(0.6);
      expect(Array.from(f.mask?.data ?? [])).toEqual(Array.from(s.mask?.data ?? []));
      const strong = defectContrast(s, goods);
      const weak = defectContrast(f, goods);
      expect(weak.inside).toBeLessThan(strong.inside);
    });
    const half = await generateDemoDataset({ productLine: 'lens', seed: 9, counts: { ...counts, testDefective: 30 }, size: 32, subtleFraction: 0.5 });
    const subtle = half.samples.filter((s) => s.severity < 1).length;
    expect(subtle).toBeGreaterThan(5);
    expect(subtle).toBeLessThan(25);
  });

  it('writes an MVTec folder that readMvtecFolder reads back with identical masks', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'dl-demo-'));
    try {
      const ds = await generateDemoDataset({ productLine: 'smt', seed: 2, counts: { trainGood: 3, testGood: 2, testDefective: 5 }, size: 64 }, dir);
      const recs = await readMvtecFolder(dir);
      expect(recs.map((r) => r.relPath).sort()).toEqual(ds.samples.map((s) => s.relPath).sort());
      for (const r of recs.filter((x) => x.label === 'defective')) {
        const loaded = await loadSample(r);
        const orig = ds.samples.find((s) => s.relPath === r.relPath);
        expect(Array.from(loaded.mask?.data ?? [])).toEqual(Array.from(orig?.mask?.data ?? []));
        expect(Array.from(loaded.image.data)).toEqual(Array.from(orig?.image.data ?? []));
      }
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
