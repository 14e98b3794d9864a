import fc from 'fast-check';
import { createRng } from './prng';
import { cropSide, trainingCropBoxes, type TrainingCropSetting } from './training-crops';

// small images: a tiny fraction of a large image makes a grid of ~side^2 windows
const dims = fc.integer({ min: 1, max: 48 });
const fraction = fc.oneof(fc.constantFrom(1, 0.1, 1e-9), fc.double({ min: 1e-9, max: 1, noNaN: true }));
const setting = fc.record({
  cropMode: fc.constantFrom<TrainingCropSetting['cropMode']>('none', 'random', 'regular'),
  cropFraction: fraction,
  cropsPerImage: fc.integer({ min: 1, max: 64 }),
});

describe('trainingCropBoxes', () => {
  it('every window lies inside the image; crops are squares of the set side; counts follow the mode', () => {
    fc.assert(
      fc.property(dims, dims, setting, fc.integer(), (w, h, s, seed) => {
        const boxes = trainingCropBoxes(w, h, s, createRng(seed));
        const inside = boxes.every((b) => Number.isInteger(b.x) && Number.isInteger(b.y) && b.x >= 0 && b.y >= 0 && b.x + b.width <= w && b.y + b.height <= h);
        expect(inside).toBe(true);
        if (s.cropMode === 'none') expect(boxes).toEqual([{ x: 0, y: 0, width: w, height: h }]);
        else {
          const side = cropSide(w, h, s.cropFraction);
          expect(side).toBeGreaterThanOrEqual(1);
          expect(side).toBeLessThanOrEqual(Math.min(w, h));
          expect(boxes.every((b) => b.width === side && b.height === side)).toBe(true);
        }
        if (s.cropMode === 'random') expect(boxes).toHaveLength(s.cropsPerImage);
      }),
    );
  });

  it('the regular grid covers every pixel of the image', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 60 }), fc.integer({ min: 1, max: 60 }), fraction, (w, h, f) => {
        const covered = new Uint8Array(w * h);
        for (const b of trainingCropBoxes(w, h, { cropMode: 'regular', cropFraction: f, cropsPerImage: 1 }, createRng(0))) {
          for (let y = b.y; y < b.y + b.height; y++) covered.fill(1, y * w + b.x, y * w + b.x + b.width);
        }
        expect(covered.every((c) => c === 1)).toBe(true);
      }),
    );
  });

  it('random crops are the same for the same seed, and a full-size crop is the whole image', () => {
    fc.assert(
      fc.property(dims, dims, fc.integer(), (w, h, seed) => {
        const s: TrainingCropSetting = { cropMode: 'random', cropFraction: 0.5, cropsPerImage: 4 };
        expect(trainingCropBoxes(w, h, s, createRng(seed))).toEqual(trainingCropBoxes(w, h, s, createRng(seed)));
        const full = trainingCropBoxes(w, w, { ...s, cropFraction: 1 }, createRng(seed));
        for (const b of full) expect(b).toEqual({ x: 0, y: 0, width: w, height: w });
      }),
    );
  });

  it('random crops move: 64 half-size crops of a 100 x 100 image are not all at one place', () => {
    const boxes = trainingCropBoxes(100, 100, { cropMode: 'random', cropFraction: 0.5, cropsPerImage: 64 }, createRng(1));
    expect(new Set(boxes.map((b) => `${b.x},${b.y}`)).size).toBeGreaterThan(1);
  });

  it.each([
    [{ cropMode: 'random', cropFraction: 0, cropsPerImage: 1 }, /cropFraction 0/],
    [{ cropMode: 'random', cropFraction: 1.5, cropsPerImage: 1 }, /cropFraction 1.5/],
    [{ cropMode: 'random', cropFraction: 0.5, cropsPerImage: 0 }, /cropsPerImage 0/],
  ] as const)('refuses bad settings %j', (s, msg) => {
    expect(() => trainingCropBoxes(10, 10, s, createRng(0))).toThrow(msg);
  });
});
