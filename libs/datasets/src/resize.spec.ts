import { resizeGeometry, resizeImage, resizeMask } from './resize';

function solid(w: number, h: number, v: number) {
  return { data: new Uint8Array(w * h * 3).fill(v), width: w, height: h };
}

describe('resizeImage / resizeMask', () => {
  it('stretch fills the whole target', async () => {
    const out = await resizeImage(solid(40, 20, 200), { width: 16, height: 16, mode: 'stretch' });
    expect([out.width, out.height]).toEqual([16, 16]);
    expect(out.data.every((v) => v === 200)).toBe(true);
  });

  it('letterbox keeps aspect and pads with the fill value', async () => {
    const out = await resizeImage(solid(40, 20, 200), { width: 16, height: 16, mode: 'letterbox', fill: 7 });
    const g = resizeGeometry(40, 20, { width: 16, height: 16, mode: 'letterbox' });
    expect(g).toEqual({ contentWidth: 16, contentHeight: 8, offsetX: 0, offsetY: 4 });
    const at = (x: number, y: number) => out.data[(y * 16 + x) * 3];
    expect(at(5, 0)).toBe(7);
    expect(at(5, 3)).toBe(7);
    expect(at(5, 4)).toBe(200);
    expect(at(5, 11)).toBe(200);
    expect(at(5, 12)).toBe(7);
  });

  it('mask stays aligned with the image content in both modes', async () => {
    // a bright square in image and mask at the same place
    const w = 60;
    const h = 30;
    const img = solid(w, h, 0);
    const mask = { data: new Uint8Array(w * h), width: w, height: h };
    for (let y = 10; y < 20; y++) {
      for (let x = 30; x < 40; x++) {
        img.data.fill(255, (y * w + x) * 3, (y * w + x) * 3 + 3);
        mask.data[y * w + x] = 1;
      }
    }
    for (const mode of ['stretch', 'letterbox'] as const) {
      const opts = { width: 24, height: 24, mode };
      const ri = await resizeImage(img, opts);
      const rm = resizeMask(mask, opts);
      let agree = 0;
      for (let i = 0; i < 24 * 24; i++) if ((ri.data[i * 3] > 127 ? 1 : 0) === rm.data[i]) agree++;
      expect(agree / (24 * 24)).toBeGreaterThan(0.97);
      expect(rm.data.reduce((s, v) => s + v, 0)).toBeGreaterThan(0);
    }
  });

  it('rejects non-integer sizes', async () => {
    await expect(resizeImage(solid(4, 4, 0), { width: 0, height: 3 })).rejects.toThrow(/positive integers/);
  });
});
