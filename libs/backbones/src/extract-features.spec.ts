import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import sharp from 'sharp';
import { sha256Bytes } from '@defectlab/datasets';
import { OnnxGraphBuilder } from '@defectlab/ml-core';
import { parseDescriptor } from './descriptor';
import { extractFeatures, imageSha256 } from './extract-features';
import { FeatureCache } from './feature-cache';
import { loadBackbone } from './load-backbone';
import type { OnnxFeatureExtractor } from './onnx-feature-extractor';

/** Backbone whose single layer is the input average-pooled by 2 (so expected values are easy to compute). */
async function poolBackbone(dir: string): Promise<OnnxFeatureExtractor> {
  const g = new OnnxGraphBuilder();
  g.output(g.averagePool(g.input('input', ['N', 3, 'H', 'W']), { kernelShape: [2, 2], strides: [2, 2] }), 'pool');
  const bytes = g.toBytes();
  await fs.writeFile(path.join(dir, 'pool.onnx'), bytes);
  return loadBackbone(
    parseDescriptor({
      name: 'pool',
      source: { kind: 'onnx', path: path.join(dir, 'pool.onnx') },
      sha256: sha256Bytes(bytes),
      input: { normalization: { mean: [0, 0, 0], std: [1, 1, 1] } },
      layers: [{ name: 'pool', channels: 3, stride: 2 }],
    }),
  );
}

describe('extractFeatures with the on-disk feature cache', () => {
  let dir: string;
  let fx: OnnxFeatureExtractor;
  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'dl-feat-'));
    fx = await poolBackbone(dir);
  });
  afterAll(async () => {
    await fx.dispose();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('extracts once, then serves identical features from the cache; a new preprocessing config misses', async () => {
    const files: string[] = [];
    for (let i = 0; i < 3; i++) {
      const f = path.join(dir, `img${i}.png`);
      await sharp(Buffer.alloc(8 * 6 * 3, 40 * (i + 1)), { raw: { width: 8, height: 6, channels: 3 } }).png().toFile(f);
      files.push(f);
    }
    const cache = new FeatureCache(path.join(dir, 'cache'));
    const preprocess = { width: 4, height: 4, mode: 'stretch' as const, centerCrop: null };
    const progress: number[] = [];
    const first = await extractFeatures(fx, files, { preprocess, cache, batchSize: 2, onProgress: (done, total) => progress.push(done / total) });
    expect([first.hits, first.misses]).toEqual([0, 3]);
    expect(progress).toEqual([0, 2 / 3, 1]);
    expect(first.features.pool.dims).toEqual([3, 3, 2, 2]);
    // a uniform image of value v pools to v / 255 everywhere
    expect(first.features.pool.data[0]).toBeCloseTo(40 / 255, 5);
    expect(first.features.pool.data[2 * 12]).toBeCloseTo(120 / 255, 5);

    const second = await extractFeatures(fx, [files[2], files[0], files[1]], { preprocess, cache });
    expect([second.hits, second.misses]).toEqual([3, 0]);
    expect(Array.from(second.features.pool.data.subarray(0, 12))).toEqual(Array.from(first.features.pool.data.subarray(24, 36)));

    const other = await extractFeatures(fx, files, { preprocess: { ...preprocess, width: 6, height: 6 }, cache });
    expect([other.hits, other.misses]).toEqual([0, 3]);
    expect(other.features.pool.dims).toEqual([3, 3, 3, 3]);
  });

  it('keys decoded images by their pixels and dims, and honours centre crop', async () => {
    const a = { data: new Uint8Array(4 * 4 * 3).map((_, i) => i), width: 4, height: 4 };
    const b = { data: a.data, width: 8, height: 2 };
    expect(await imageSha256(a)).not.toBe(await imageSha256(b));
    const cache = new FeatureCache(path.join(dir, 'cache2'));
    const r = await extractFeatures(fx, [a], { preprocess: { width: 4, height: 4, mode: 'stretch', centerCrop: { width: 2, height: 2 } }, cache });
    expect(r.features.pool.dims).toEqual([1, 3, 1, 1]);
    // centre 2x2 of channel 0: pixels (1,1), (2,1), (1,2), (2,2)
    const px = [5, 6, 9, 10].map((p) => a.data[p * 3]);
    expect(r.features.pool.data[0]).toBeCloseTo(px.reduce((s, v) => s + v, 0) / 4 / 255, 5);
    expect((await extractFeatures(fx, [a], { preprocess: { width: 4, height: 4, mode: 'stretch', centerCrop: { width: 2, height: 2 } }, cache })).hits).toBe(1);
  });
});
