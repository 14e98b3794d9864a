import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { encodeBmp, type MvtecRecord } from '@defectlab/datasets';
import { loadTrainingImages } from './load-images';

/** A 40 x 20 BMP whose red channel is x x 5 (so a crop's position shows in its pixels). */
async function writeRamp(dir: string, name: string): Promise<MvtecRecord> {
  const w = 40;
  const h = 20;
  const data = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data.set([x * 5, y * 5, 9], (y * w + x) * 3);
  const file = path.join(dir, name);
  await fs.writeFile(file, encodeBmp({ data, width: w, height: h }));
  return { path: file, relPath: `train/good/${name}`, split: 'train', label: 'good', defectType: 'good', maskPath: null };
}

describe('loadTrainingImages (the training data path of every kind)', () => {
  let dir: string;
  let records: MvtecRecord[];
  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'dl-crops-'));
    records = [await writeRamp(dir, 'a.bmp'), await writeRamp(dir, 'b.bmp')];
  });
  afterAll(() => fs.rm(dir, { recursive: true, force: true }));
  const input = { width: 10, height: 10, mode: 'stretch' as const };

  it('none: one whole image per record, resized to the input size', async () => {
    const imgs = await loadTrainingImages(records, input, { cropMode: 'none', cropFraction: 1, cropsPerImage: 1 }, 0);
    expect(imgs.map((i) => [i.width, i.height])).toEqual([
      [10, 10],
      [10, 10],
    ]);
  });

  it('random: cropsPerImage crops per record, repeatable for a seed, at the input size', async () => {
    const s = { cropMode: 'random', cropFraction: 0.5, cropsPerImage: 3 } as const;
    const a = await loadTrainingImages(records, input, s, 7);
    const b = await loadTrainingImages(records, input, s, 7);
    expect(a).toHaveLength(6);
    expect(a.every((i) => i.width === 10 && i.height === 10)).toBe(true);
    expect(a.map((i) => Array.from(i.data))).toEqual(b.map((i) => Array.from(i.data)));
  });

  it('regular: the overlapping grid of 10 px squares of a 40 x 20 image (7 x 3 windows), first and last at the borders', async () => {
    const imgs = await loadTrainingImages(records.slice(0, 1), input, { cropMode: 'regular', cropFraction: 0.5, cropsPerImage: 1 }, 0);
    expect(imgs).toHaveLength(7 * 3);
    expect(imgs[0].data[0]).toBe(0); // x = 0
    expect(imgs[6].data[(10 - 1) * 3]).toBe(39 * 5); // the row's last window ends at x = 39
  });
});
