import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { generateDemoDataset, readImage, resizeImage, sha256Bytes, toNormalizedBatch } from '@defectlab/datasets';
import type { DecodedImage, Tensor } from '@defectlab/ml-core';
import { readDescriptor } from '../descriptor';
import { loadBackbone } from '../load-backbone';
import { openExtractorCount } from '../onnx-feature-extractor';
import { SHIPPED_BACKBONES } from '../shipped';
import { MAGNETIC_TILE_DIR } from '../testing/shared-data';
import { convertNsfwjsModel } from './convert-cached';
import { readNsfwjsModelFiles } from './source-files';

/** Real images when ../shared is present (magnetic tiles), plus generated inspection images. */
async function testImages(w: number, h: number): Promise<DecodedImage[]> {
  const sources: DecodedImage[] = [];
  try {
    const dir = path.join(MAGNETIC_TILE_DIR, 'test', 'crack');
    const files = (await fs.readdir(dir)).filter((f) => f.endsWith('.jpg')).slice(0, 2);
    for (const f of files) sources.push(await readImage(path.join(dir, f)));
  } catch {
    console.warn('magnetic_tile absent: comparing on generated images only');
  }
  const demo = await generateDemoDataset({ productLine: 'smt', seed: 1, counts: { trainGood: 1, testGood: 0, testDefective: 1 }, size: 128 });
  sources.push(...demo.samples.map((s) => s.image));
  return Promise.all(sources.map((img) => resizeImage(img, { width: w, height: h, mode: 'stretch' })));
}

/** NCHW -> NHWC copy. */
function toNhwc(t: Tensor): Float32Array {
  const [n, c, h, w] = t.dims;
  const out = new Float32Array(t.data.length);
  for (let b = 0; b < n; b++)
    for (let k = 0; k < c; k++) for (let i = 0; i < h * w; i++) out[(b * h * w + i) * c + k] = t.data[(b * c + k) * h * w + i];
  return out;
}

describe('nsfwjs mobilenet_v2 converted to ONNX', () => {
  let cacheDir: string;
  beforeAll(async () => {
    cacheDir = await fs.mkdtemp(path.join(os.tmpdir(), 'dl-bb-'));
    await tf.setBackend('cpu');
  });
  afterAll(async () => {
    await fs.rm(cacheDir, { recursive: true, force: true });
    expect(openExtractorCount()).toBe(0);
  });

  it('matches TensorFlow.js on every tap within 1e-4', async () => {
    const { descriptor } = await readDescriptor(SHIPPED_BACKBONES['mobilenet-v2-nsfwjs']);
    const taps = descriptor.layers.map((l) => l.name);
    const images = await testImages(96, 128);
    const batch = toNormalizedBatch(images, descriptor.input.normalization);

    // reference: the same files loaded by TF.js itself, input resized to any H x W
    const files = await readNsfwjsModelFiles('mobilenet_v2');
    const topology = JSON.parse(JSON.stringify(files.modelTopology));
    const config = topology.model_config.config;
    config.layers[0].config.batch_input_shape = [null, null, null, 3];
    // cut after the last tap (the classifier head needs a fixed input size) and expose every tap
    const last = config.layers.findIndex((l: { name: string }) => l.name === taps[taps.length - 1]);
    config.layers = config.layers.slice(0, last + 1);
    config.output_layers = taps.map((t) => [t, 0, 0]);
    const handler = tf.io.fromMemory({ modelTopology: topology, weightSpecs: files.weightSpecs, weightData: files.weightData });
    const sub = await tf.loadLayersModel(handler, { strict: false });
    const [n, , h, w] = batch.dims;
    const x = tf.tensor4d(toNhwc(batch), [n, h, w, 3]);
    const refs = sub.predict(x) as tf.Tensor[];

    const fx = await loadBackbone(SHIPPED_BACKBONES['mobilenet-v2-nsfwjs'], { cacheDir });
    try {
      // the cached file is what runs: models export backbone + head from it
      expect(sha256Bytes(await fs.readFile(fx.modelPath as string))).toBe(fx.sha256);
      const out = await fx.extract(batch, taps);
      taps.forEach((t, i) => {
        const ref = refs[i];
        const got = out[t];
        expect([got.dims[0], got.dims[2], got.dims[3], got.dims[1]]).toEqual(ref.shape);
        const refData = ref.dataSync();
        const nhwc = toNhwc(got);
        let maxErr = 0;
        let maxAbs = 0;
        for (let k = 0; k < nhwc.length; k++) {
          maxErr = Math.max(maxErr, Math.abs(nhwc[k] - refData[k]));
          maxAbs = Math.max(maxAbs, Math.abs(refData[k]));
        }
        expect(maxAbs).toBeGreaterThan(0.1); // features are not trivially zero
        expect({ tap: t, within: maxErr < 1e-4, maxErr }).toEqual({ tap: t, within: true, maxErr });
        const layer = descriptor.layers.find((l) => l.name === t);
        expect(got.dims[1]).toBe(layer?.channels);
        expect(h / got.dims[2]).toBe(layer?.stride);
      });
    } finally {
      await fx.dispose();
      x.dispose();
      refs.forEach((r) => r.dispose());
      sub.dispose();
    }
  }, 600_000); // 84 s with the machine under load (load average ~16)

  it('caches the conversion by sha256 and refuses mismatching package files', async () => {
    const { descriptor } = await readDescriptor(SHIPPED_BACKBONES['mobilenet-v2-nsfwjs']);
    const layers = descriptor.layers.map((l) => l.name);
    const first = await convertNsfwjsModel({ model: 'mobilenet_v2', expectedSourceSha256: descriptor.sha256, layers, cacheDir });
    const again = await convertNsfwjsModel({ model: 'mobilenet_v2', expectedSourceSha256: descriptor.sha256, layers, cacheDir });
    expect(again.converted).toBe(false);
    expect(again.sha256).toBe(first.sha256);
    expect(Buffer.from(again.bytes).equals(Buffer.from(first.bytes))).toBe(true);
    // a corrupted cache file is detected and rebuilt
    await fs.writeFile(path.join(cacheDir, `${first.sha256}.onnx`), 'garbage');
    const rebuilt = await convertNsfwjsModel({ model: 'mobilenet_v2', expectedSourceSha256: descriptor.sha256, layers, cacheDir });
    expect(rebuilt.converted).toBe(true);
    expect(rebuilt.sha256).toBe(first.sha256);
    await expect(convertNsfwjsModel({ model: 'mobilenet_v2', expectedSourceSha256: 'f'.repeat(64), layers, cacheDir })).rejects.toThrow(/refusing to convert/);
  });
});
