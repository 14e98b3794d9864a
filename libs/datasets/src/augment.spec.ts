import fc from 'fast-check';
import { augment, expandWithRegularCrops } from './augment';
import { cropRaster, regularCropBoxes, stitchCropMaps } from './crop';
import { flipHorizontal, flipVertical, rotateRaster } from './geometry';
import { createRng } from './prng';

/** An image whose pixel (x, y) encodes its coordinates: R = x, G = y, B = 7. */
function coordImage(w: number, h: number) {
  const data = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data.set([x, y, 7], (y * w + x) * 3);
  return { data, width: w, height: h };
}

describe('augmentations', () => {
  it('flips are involutions and move pixels to the mirrored place', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 9 }), (w, h) => {
        const img = coordImage(w, h);
        const hf = flipHorizontal(img);
        expect(hf.data[0]).toBe(w - 1);
        expect(Array.from(flipHorizontal(hf).data)).toEqual(Array.from(img.data));
        const vf = flipVertical(img);
        expect(vf.data[1]).toBe(h - 1);
        expect(Array.from(flipVertical(vf).data)).toEqual(Array.from(img.data));
      }),
    );
  });

  it('rotation by 0 is identity, by 90 degrees moves the corner, and keeps masks binary', () => {
    const img = coordImage(5, 5);
    expect(Array.from(rotateRaster(img, 0).data)).toEqual(Array.from(img.data));
    const r = rotateRaster(img, 90);
    // counter-clockwise: the output top-left pixel comes from the source top-right (x = 4, y = 0)
    expect([r.data[0], r.data[1]]).toEqual([4, 0]);
    const mask = { data: new Uint8Array(25).map((_, i) => (i % 3 === 0 ? 1 : 0)), width: 5, height: 5 };
    expect(rotateRaster(mask, 7).data.every((v) => v === 0 || v === 1)).toBe(true);
  });

  it('random crop is seeded, fits the image and crops the mask identically', () => {
    const img = coordImage(20, 16);
    const mask = { data: new Uint8Array(20 * 16).map((_, i) => i % 2), width: 20, height: 16 };
    const a = augment(img, { randomCrop: { width: 8, height: 6 } }, createRng(5), mask);
    const b = augment(img, { randomCrop: { width: 8, height: 6 } }, createRng(5), mask);
    expect(Array.from(a.image.data)).toEqual(Array.from(b.image.data));
    expect([a.image.width, a.image.height]).toEqual([8, 6]);
    const x0 = a.image.data[0];
    const y0 = a.image.data[1];
    expect(a.mask?.data[0]).toBe((y0 * 20 + x0) % 2);
    const offsets = new Set<string>();
    for (let s = 0; s < 20; s++) {
      const c = augment(img, { randomCrop: { width: 8, height: 6 } }, createRng(s));
      offsets.add(`${c.image.data[0]},${c.image.data[1]}`);
    }
    expect(offsets.size).toBeGreaterThan(5);
  });

  it('flip probability 1 always flips, 0 never, and rotation option changes pixels', () => {
    const img = coordImage(6, 4);
    expect(augment(img, { horizontalFlip: 1 }, createRng(1)).image.data[0]).toBe(5);
    expect(augment(img, { verticalFlip: 1 }, createRng(1)).image.data[1]).toBe(3);
    expect(Array.from(augment(img, {}, createRng(1)).image.data)).toEqual(Array.from(img.data));
    const big = coordImage(40, 40);
    for (let s = 0; s < 4; s++) {
      const deg = createRng(s).uniform(-20, 20); // the first draw is the angle
      const out = augment(big, { maxRotationDegrees: 20 }, createRng(s)).image;
      expect(Array.from(out.data)).toEqual(Array.from(rotateRaster(big, deg).data));
      if (Math.abs(deg) > 3) expect(Array.from(out.data)).not.toEqual(Array.from(big.data));
    }
  });

  it('regular crop grid covers every pixel, stays inside and stitches back', () => {
    fc.assert(
      fc.property(fc.integer({ min: 4, max: 30 }), fc.integer({ min: 4, max: 30 }), fc.integer({ min: 1, max: 4 }), (w, h, k) => {
        const cw = Math.max(1, Math.floor(w / k));
        const ch = Math.max(1, Math.floor(h / k));
        const boxes = regularCropBoxes(w, h, { cropWidth: cw, cropHeight: ch });
        const covered = new Uint8Array(w * h);
        for (const b of boxes) {
          expect(b.x + b.width).toBeLessThanOrEqual(w);
          expect(b.y + b.height).toBeLessThanOrEqual(h);
          for (let y = b.y; y < b.y + b.height; y++) for (let x = b.x; x < b.x + b.width; x++) covered[y * w + x] = 1;
        }
        expect(covered.every((v) => v === 1)).toBe(true);
      }),
    );
    const img = coordImage(12, 8);
    const crops = expandWithRegularCrops([img], { cropWidth: 6, cropHeight: 4 });
    const boxes = regularCropBoxes(12, 8, { cropWidth: 6, cropHeight: 4 });
    expect(crops).toHaveLength(boxes.length);
    expect(Array.from(crops[1].data)).toEqual(Array.from(cropRaster(img, boxes[1]).data));
    // per-crop maps holding the source x coordinate stitch back to exactly x
    const maps = new Float32Array(boxes.length * 24);
    boxes.forEach((b, i) => {
      for (let y = 0; y < 4; y++) for (let x = 0; x < 6; x++) maps[i * 24 + y * 6 + x] = b.x + x;
    });
    const fused = stitchCropMaps({ data: maps, dims: [boxes.length, 1, 4, 6] }, boxes, 12, 8);
    expect(fused.dims).toEqual([1, 1, 8, 12]);
    for (let y = 0; y < 8; y++) for (let x = 0; x < 12; x++) expect(fused.data[y * 12 + x]).toBe(x);
  });
});
