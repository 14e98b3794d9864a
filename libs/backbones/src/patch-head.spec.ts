import { toNormalizedBatch } from '@defectlab/datasets';
import { createRandomConvExtractor, OnnxGraphBuilder, openSessionCount, SeededRandom, type DecodedImage, type FeatureExtractor } from '@defectlab/ml-core';
import { backboneLayers, PatchHeadPipeline, type BackboneLayer } from './patch-head';

/** A head that only moves channels last: its rows are the layer map read position by position. */
function channelsLastHead(layer: BackboneLayer, outputs = 1): Uint8Array {
  const g = new OnnxGraphBuilder({ name: 'channels-last-head' });
  const x = g.input(layer.name, ['N', layer.channels, 'h', 'w']);
  for (let k = 0; k < outputs; k++) g.output(g.transpose(x, [0, 2, 3, 1]), `rows${k}`);
  return g.toBytes();
}

function randomImage(seed: number, width: number, height: number): DecodedImage {
  const rng = new SeededRandom(seed);
  return { data: Uint8Array.from({ length: width * height * 3 }, () => Math.floor(rng.next() * 256)), width, height };
}

describe('PatchHeadPipeline', () => {
  let extractor: FeatureExtractor;
  beforeAll(async () => {
    extractor = await createRandomConvExtractor(2);
  });
  afterAll(async () => {
    await extractor.dispose();
  });

  it('looks the layers up in the given order and names the model and the layers there are when one is missing', () => {
    expect(backboneLayers(extractor, ['l3', 'l1'], 'cfa')).toEqual([
      { name: 'l3', channels: 32 },
      { name: 'l1', channels: 8 },
    ]);
    expect(() => backboneLayers(extractor, ['l1', 'block_5_add'], 'patchcore')).toThrow(`patchcore: backbone "random-conv-2" has no layer "block_5_add" (has l1, l2, l3)`);
  });

  it('gives one row per grid position of each image, the head applied to the backbone maps', async () => {
    const [layer] = backboneLayers(extractor, ['l2'], 'test');
    const images = [randomImage(1, 64, 48), randomImage(2, 64, 48)];
    const before = openSessionCount();
    const pipeline = await PatchHeadPipeline.create(extractor, [layer], channelsLastHead(layer), { dim: layer.channels, threads: 1 });
    try {
      const out = await pipeline.run(images);
      const map = (await extractor.extract(toNormalizedBatch(images, extractor.normalization), ['l2'])).l2; // [2, 16, 6, 8]
      const [, c, h, w] = map.dims;
      expect({ images: out.images, gridH: out.gridH, gridW: out.gridW, dim: out.dim }).toEqual({ images: 2, gridH: h, gridW: w, dim: 16 });
      for (const [n, y, x, ch] of [[0, 0, 0, 0], [1, h - 1, w - 1, c - 1], [1, 2, 5, 7]]) {
        expect(out.rows[((n * h + y) * w + x) * c + ch]).toBeCloseTo(map.data[((n * c + ch) * h + y) * w + x], 6);
      }
    } finally {
      await pipeline.dispose();
    }
    expect(openSessionCount()).toBe(before);
  });

  it('refuses a head with two outputs and rows of another length than declared, leaving no session open', async () => {
    const [layer] = backboneLayers(extractor, ['l1'], 'test');
    const before = openSessionCount();
    await expect(PatchHeadPipeline.create(extractor, [layer], channelsLastHead(layer, 2), { dim: 8, threads: 1 })).rejects.toThrow('the head graph must have one output, has rows0, rows1');
    const pipeline = await PatchHeadPipeline.create(extractor, [layer], channelsLastHead(layer), { dim: 12, threads: 1 });
    await expect(pipeline.run([randomImage(3, 32, 32)])).rejects.toThrow('expected [N, h, w, 12]');
    await pipeline.dispose();
    expect(openSessionCount()).toBe(before);
  });
});
