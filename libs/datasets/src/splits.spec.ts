import { DEFAULT_SPLIT_RULE } from '@defectlab/contracts';
import { readMvtecFolder, type MvtecRecord } from './mvtec-folder';
import { splitDataset } from './splits';
import { describeWithMagneticTile, MAGNETIC_TILE_DIR } from './testing/shared-data';

function fakeRecords(): MvtecRecord[] {
  const recs: MvtecRecord[] = [];
  for (let i = 0; i < 50; i++) {
    recs.push({ path: `/d/train/good/${i}.png`, relPath: `train/good/${i}.png`, split: 'train', label: 'good', defectType: 'good', maskPath: null });
  }
  for (let i = 0; i < 20; i++) {
    recs.push({ path: `/d/test/dent/${i}.png`, relPath: `test/dent/${i}.png`, split: 'test', label: 'defective', defectType: 'dent', maskPath: null });
    recs.push({ path: `/d/test/good/${i}.png`, relPath: `test/good/${i}.png`, split: 'test', label: 'good', defectType: 'good', maskPath: null });
  }
  return recs;
}

describe('splitDataset', () => {
  it('fills a partial rule from the one default of libs/contracts (30 % of each defect type to validation)', () => {
    const s = splitDataset(fakeRecords(), {});
    expect(s.rule).toEqual(DEFAULT_SPLIT_RULE);
    expect(s.validation.filter((r) => r.defectType === 'dent')).toHaveLength(6); // round(0.3 * 20)
  });

  it('carves validation from train/good and optionally from defects, partitioning all records', () => {
    const recs = fakeRecords();
    const s = splitDataset(recs, { seed: 3, validationFractionGood: 0.2, validationFractionDefective: 0.25 });
    expect(s.validation.filter((r) => r.split === 'train')).toHaveLength(10);
    expect(s.validation.filter((r) => r.defectType === 'dent')).toHaveLength(5);
    expect(s.validation.some((r) => r.relPath.startsWith('test/good'))).toBe(false);
    expect(s.train).toHaveLength(40);
    expect(s.test).toHaveLength(35);
    const all = [...s.train, ...s.validation, ...s.test].map((r) => r.relPath).sort();
    expect(all).toEqual(recs.map((r) => r.relPath).sort());
    expect(s.rule).toEqual({ kind: 'hash-v1', seed: 3, validationFractionGood: 0.2, validationFractionDefective: 0.25 });
    expect(JSON.parse(JSON.stringify(s.rule))).toEqual(s.rule);
  });

  it('adding images does not reshuffle the others', () => {
    const recs = fakeRecords();
    const before = new Set(splitDataset(recs, { seed: 1, validationFractionGood: 0.5, validationFractionDefective: 0 }).validation.map((r) => r.relPath));
    const more = [...recs, { ...recs[0], relPath: 'train/good/new.png', path: '/d/train/good/new.png' }];
    const after = new Set(splitDataset(more, { seed: 1, validationFractionGood: 0.5, validationFractionDefective: 0 }).validation.map((r) => r.relPath));
    let kept = 0;
    for (const p of before) if (after.has(p)) kept++;
    expect(kept).toBeGreaterThanOrEqual(before.size - 1);
  });
});

describeWithMagneticTile()('splitDataset on magnetic_tile', () => {
  it('is identical for the same seed and differs for another', async () => {
    const recs = await readMvtecFolder(MAGNETIC_TILE_DIR);
    const rule = { seed: 7, validationFractionGood: 0.1, validationFractionDefective: 0.2 };
    const a = splitDataset(recs, rule);
    const b = splitDataset(await readMvtecFolder(MAGNETIC_TILE_DIR), rule);
    const c = splitDataset(recs, { ...rule, seed: 8 });
    const ids = (l: MvtecRecord[]) => l.map((r) => r.relPath);
    expect(ids(a.validation)).toEqual(ids(b.validation));
    expect(ids(a.test)).toEqual(ids(b.test));
    expect(ids(a.validation)).not.toEqual(ids(c.validation));
    expect(a.validation.filter((r) => r.split === 'train')).toHaveLength(78); // round(0.1 * 776)
    expect(a.validation.filter((r) => r.defectType === 'fray')).toHaveLength(6); // round(0.2 * 32)
    expect(a.train).toHaveLength(776 - 78);
  });
});
