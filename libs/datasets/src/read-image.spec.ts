import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import sharp from 'sharp';
import { encodeBmp } from './bmp';
import { DatasetError } from './errors';
import { readImage, readMask } from './read-image';

describe('readImage / readMask', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'dl-read-'));
  });
  afterAll(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  const gray = (w: number, h: number) => {
    const data = Buffer.alloc(w * h);
    for (let i = 0; i < data.length; i++) data[i] = (i * 7) % 256;
    return data;
  };

  it('expands a grayscale PNG to RGB with equal channels', async () => {
    const f = path.join(dir, 'g.png');
    await sharp(gray(5, 4), { raw: { width: 5, height: 4, channels: 1 } }).png().toFile(f);
    const img = await readImage(f);
    expect([img.width, img.height, img.data.length]).toEqual([5, 4, 60]);
    for (let i = 0; i < 20; i++) {
      expect(img.data[i * 3]).toBe((i * 7) % 256);
      expect(img.data[i * 3 + 1]).toBe(img.data[i * 3]);
      expect(img.data[i * 3 + 2]).toBe(img.data[i * 3]);
    }
  });

  it('reads RGB TIFF, drops alpha of RGBA PNG, and decodes BMP', async () => {
    const rgba = Buffer.from([10, 20, 30, 255, 40, 50, 60, 128]);
    await sharp(rgba, { raw: { width: 2, height: 1, channels: 4 } }).png().toFile(path.join(dir, 'a.png'));
    const a = await readImage(path.join(dir, 'a.png'));
    expect(Array.from(a.data)).toEqual([10, 20, 30, 40, 50, 60]);
    const rgb = Buffer.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]);
    await sharp(rgb, { raw: { width: 5, height: 1, channels: 3 } }).tiff({ compression: 'lzw' }).toFile(path.join(dir, 't.tif'));
    expect(Array.from((await readImage(path.join(dir, 't.tif'))).data)).toEqual(Array.from(rgb));
    const img = { data: new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18]), width: 3, height: 2 };
    await fs.writeFile(path.join(dir, 'b.bmp'), encodeBmp(img));
    const b = await readImage(path.join(dir, 'b.bmp'));
    expect([b.width, b.height]).toEqual([3, 2]);
    expect(Array.from(b.data)).toEqual(Array.from(img.data));
  });

  it('reduces 16-bit grayscale PNG to 8-bit RGB', async () => {
    const f = path.join(dir, 'g16.png');
    await sharp(new Uint16Array([0, 32896, 65535]), { raw: { width: 3, height: 1, channels: 1 } }).toColourspace('grey16').png().toFile(f);
    const img = await readImage(f);
    expect(Array.from(img.data)).toEqual([0, 0, 0, 128, 128, 128, 255, 255, 255]);
  });

  it('names the file for truncated, unsupported, and missing inputs', async () => {
    const good = path.join(dir, 'ok.jpg');
    const noise = Buffer.alloc(64 * 64 * 3);
    for (let i = 0; i < noise.length; i++) noise[i] = (i * 31) % 251;
    await sharp(noise, { raw: { width: 64, height: 64, channels: 3 } }).jpeg().toFile(good);
    const bytes = await fs.readFile(good);
    const truncated = path.join(dir, 'truncated.jpg');
    await fs.writeFile(truncated, bytes.subarray(0, Math.floor(bytes.length / 2)));
    await expect(readImage(truncated)).rejects.toThrow(DatasetError);
    await expect(readImage(truncated)).rejects.toThrow(/truncated\.jpg/);

    const text = path.join(dir, 'notes.png');
    await fs.writeFile(text, 'this is not an image');
    await expect(readImage(text)).rejects.toMatchObject({ code: 'unsupported-format', file: text });

    const gif = path.join(dir, 'anim.gif');
    await sharp(noise, { raw: { width: 64, height: 64, channels: 3 } }).gif().toFile(gif);
    await expect(readImage(gif)).rejects.toMatchObject({ code: 'unsupported-format', file: gif });

    await expect(readImage(path.join(dir, 'nope.png'))).rejects.toThrow(/nope\.png/);
    const badBmp = path.join(dir, 'bad.bmp');
    await fs.writeFile(badBmp, encodeBmp({ data: new Uint8Array(300), width: 10, height: 10 }).subarray(0, 100));
    await expect(readImage(badBmp)).rejects.toThrow(/bad\.bmp/);
  });

  it('binarises masks at > 127', async () => {
    const f = path.join(dir, 'm.png');
    await sharp(Buffer.from([0, 127, 128, 255]), { raw: { width: 4, height: 1, channels: 1 } }).png().toFile(f);
    const m = await readMask(f);
    expect(Array.from(m.data)).toEqual([0, 0, 1, 1]);
  });
});
