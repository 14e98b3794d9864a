import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import sharp from 'sharp';
import { loadSample, readMvtecFolder } from './mvtec-folder';
import { describeWithMagneticTile, MAGNETIC_TILE_DIR } from './testing/shared-data';

async function png(file: string, w: number, h: number, value = 100): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  await sharp(Buffer.alloc(w * h, value), { raw: { width: w, height: h, channels: 1 } }).png().toFile(file);
}

describe('readMvtecFolder on a generated folder', () => {
  let root: string;
  beforeEach(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'dl-mvtec-'));
    await png(path.join(root, 'train/good/000.png'), 8, 8);
    await png(path.join(root, 'train/good/001.png'), 8, 8);
    await png(path.join(root, 'test/good/000.png'), 8, 8);
    await png(path.join(root, 'test/scratch/000.png'), 8, 8);
    await png(path.join(root, 'ground_truth/scratch/000_mask.png'), 8, 8, 255);
    await fs.writeFile(path.join(root, 'train/good/readme.txt'), 'ignored');
  });
  afterEach(async () => {
    await fs.rm(root, { recursive: true, force: true });
  });

  it('lists records with split, label, defect type and mask', async () => {
    const recs = await readMvtecFolder(root);
    expect(recs.map((r) => r.relPath)).toEqual(['test/good/000.png', 'test/scratch/000.png', 'train/good/000.png', 'train/good/001.png']);
    const scratch = recs[1];
    expect(scratch).toMatchObject({ split: 'test', label: 'defective', defectType: 'scratch' });
    expect(scratch.maskPath).toBe(path.join(root, 'ground_truth/scratch/000_mask.png'));
    expect(recs[0]).toMatchObject({ label: 'good', defectType: 'good', maskPath: null });
    const s = await loadSample(scratch);
    expect(s.mask?.data.every((v) => v === 1)).toBe(true);
  });

  it('rejects an empty class folder, naming it', async () => {
    await fs.mkdir(path.join(root, 'test/dent'));
    await expect(readMvtecFolder(root)).rejects.toMatchObject({ code: 'empty-class-folder', file: path.join(root, 'test/dent') });
  });

  it('rejects a symlink that escapes the root', async () => {
    const outside = await fs.mkdtemp(path.join(os.tmpdir(), 'dl-outside-'));
    await png(path.join(outside, 'secret.png'), 8, 8);
    await fs.symlink(path.join(outside, 'secret.png'), path.join(root, 'train/good/002.png'));
    await expect(readMvtecFolder(root)).rejects.toMatchObject({ code: 'path-escape' });
    await fs.rm(outside, { recursive: true, force: true });
  });

  it('reports a mask whose size differs from its image', async () => {
    await png(path.join(root, 'ground_truth/scratch/000_mask.png'), 9, 8, 255);
    const recs = await readMvtecFolder(root);
    await expect(loadSample(recs[1])).rejects.toMatchObject({ code: 'mask-size-mismatch', file: recs[1].maskPath });
  });

  it('requires train/good', async () => {
    await fs.rm(path.join(root, 'train/good'), { recursive: true });
    await expect(readMvtecFolder(root)).rejects.toThrow(/train\/good/);
  });
});

describeWithMagneticTile()('readMvtecFolder on ../shared/datasets/magnetic_tile', () => {
  it('counts per class match SOURCE.txt and every defect has an aligned mask', async () => {
    const recs = await readMvtecFolder(MAGNETIC_TILE_DIR);
    const counts: Record<string, number> = {};
    for (const r of recs) counts[`${r.split}/${r.defectType}`] = (counts[`${r.split}/${r.defectType}`] ?? 0) + 1;
    expect(counts).toEqual({
      'train/good': 776,
      'test/good': 176,
      'test/blowhole': 115,
      'test/break': 85,
      'test/crack': 57,
      'test/fray': 32,
      'test/uneven': 103,
    });
    const defective = recs.filter((r) => r.label === 'defective');
    expect(defective.every((r) => r.maskPath !== null)).toBe(true);
    // decode a spread of defect samples: masks must have the image size and be non-empty in most
    const sample = defective.filter((_, i) => i % 40 === 0);
    let nonEmpty = 0;
    for (const r of sample) {
      const s = await loadSample(r);
      expect(s.image.data.length).toBe(s.image.width * s.image.height * 3);
      expect([s.mask?.width, s.mask?.height]).toEqual([s.image.width, s.image.height]);
      if (s.mask && s.mask.data.some((v) => v === 1)) nonEmpty++;
    }
    expect(nonEmpty).toBeGreaterThanOrEqual(sample.length - 1);
  });
});
