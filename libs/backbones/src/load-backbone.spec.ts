import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { generateDemoDataset, sha256Bytes, toNormalizedBatch } from '@defectlab/datasets';
import { OnnxGraphBuilder, type Tensor } from '@defectlab/ml-core';
import { parseDescriptor, readDescriptor, type TBackboneDescriptor } from './descriptor';
import { loadBackbone } from './load-backbone';
import { openExtractorCount } from './onnx-feature-extractor';
import { SHIPPED_BACKBONES } from './shipped';
import { describeIfPresent, RESNET_ONNX } from './testing/shared-data';

/** A tiny two-tap "backbone": mean over channels, average-pooled by 2 and by 4. */
function tinyBackbone(): Uint8Array {
  const g = new OnnxGraphBuilder({ name: 'tiny' });
  const x = g.input('input', ['N', 3, 'H', 'W']);
  const m = g.reduceMean(x, [1]);
  g.output(g.averagePool(m, { kernelShape: [2, 2], strides: [2, 2] }), 'half');
  g.output(g.averagePool(m, { kernelShape: [4, 4], strides: [4, 4] }), 'quarter');
  return g.toBytes();
}

function tinyDescriptor(sha256: string, source: TBackboneDescriptor['source']): TBackboneDescriptor {
  return parseDescriptor({
    name: 'tiny',
    source,
    sha256,
    input: { normalization: { mean: [0, 0, 0], std: [1, 1, 1] } },
    layers: [
      { name: 'half', channels: 1, stride: 2 },
      { name: 'quarter', channels: 1, stride: 4 },
    ],
  });
}

describe('loadBackbone with a user-brought ONNX file', () => {
  let dir: string;
  let bytes: Uint8Array;
  let sha: string;
  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'dl-bb-user-'));
    bytes = tinyBackbone();
    sha = sha256Bytes(bytes);
    await fs.writeFile(path.join(dir, 'tiny.onnx'), bytes);
  });
  afterAll(async () => {
    await fs.rm(dir, { recursive: true, force: true });
    expect(openExtractorCount()).toBe(0);
  });

  it('loads by a descriptor file with a relative path and extracts the requested layers', async () => {
    const file = path.join(dir, 'tiny.json');
    await fs.writeFile(file, JSON.stringify(tinyDescriptor(sha, { kind: 'onnx', path: 'tiny.onnx' })));
    const fx = await loadBackbone(file);
    try {
      expect(fx.sha256).toBe(sha);
      expect(fx.modelPath).toBe(path.join(dir, 'tiny.onnx'));
      const x: Tensor = { data: new Float32Array(2 * 3 * 8 * 8).map((_, i) => i % 7), dims: [2, 3, 8, 8] };
      const out = await fx.extract(x, ['quarter', 'half', 'half']);
      expect(Object.keys(out).sort()).toEqual(['half', 'quarter']);
      expect(out.half.dims).toEqual([2, 1, 4, 4]);
      expect(out.quarter.dims).toEqual([2, 1, 2, 2]);
      // the first quarter cell averages channels and the 4x4 top-left window of image 0
      let s = 0;
      for (let c = 0; c < 3; c++) for (let y = 0; y < 4; y++) for (let xx = 0; xx < 4; xx++) s += x.data[(c * 8 + y) * 8 + xx];
      expect(out.quarter.data[0]).toBeCloseTo(s / 48, 5);
      await expect(fx.extract(x, ['nope'])).rejects.toThrow(/unknown layer "nope"/);
      await expect(fx.extract({ data: new Float32Array(8), dims: [1, 2, 2, 2] }, ['half'])).rejects.toThrow(/\[N, 3, H, W\]/);
    } finally {
      await fx.dispose();
    }
    await expect(fx.extract({ data: new Float32Array(48), dims: [1, 3, 4, 4] }, ['half'])).rejects.toThrow(/disposed/);
  });

  it('refuses a file whose sha256 differs, naming the file', async () => {
    const wrong = tinyDescriptor('0'.repeat(64), { kind: 'onnx', path: path.join(dir, 'tiny.onnx') });
    await expect(loadBackbone(wrong)).rejects.toThrow(new RegExp(`tiny\\.onnx: sha256 ${sha} does not match`));
  });

  it('never downloads a URL source: it must already be cached under its sha256', async () => {
    const desc = tinyDescriptor(sha, { kind: 'onnx', url: 'https://example.invalid/tiny.onnx' });
    const cacheDir = path.join(dir, 'cache');
    await expect(loadBackbone(desc, { cacheDir })).rejects.toThrow(/never downloaded/);
    await fs.mkdir(cacheDir, { recursive: true });
    await fs.writeFile(path.join(cacheDir, `${sha}.onnx`), bytes);
    const fx = await loadBackbone(desc, { cacheDir });
    await fx.dispose();
  });

  it('rejects invalid descriptors with every problem listed', () => {
    expect(() => parseDescriptor({ name: 'x', source: { kind: 'onnx' }, sha256: 'abc', input: {}, layers: [] })).toThrow(/sha256.*layers|layers.*sha256/s);
    expect(() =>
      parseDescriptor({ ...tinyDescriptor(sha, { kind: 'onnx', path: 'a.onnx' }), defaultLayers: ['missing'] }),
    ).toThrow(/defaultLayers names "missing"/);
  });

  it('rejects a graph that lacks a declared layer', async () => {
    const desc = { ...tinyDescriptor(sha, { kind: 'onnx', path: path.join(dir, 'tiny.onnx') }), layers: [{ name: 'eighth', channels: 1, stride: 8 }] };
    await expect(loadBackbone(desc)).rejects.toThrow(/lacks outputs eighth/);
  });
});

describeIfPresent(RESNET_ONNX)('shipped ResNet-50 v2 descriptor (../shared)', () => {
  afterAll(() => expect(openExtractorCount()).toBe(0));

  it('loads, verifies sha256 and gives the declared channels and strides', async () => {
    const { descriptor } = await readDescriptor(SHIPPED_BACKBONES['resnet50v2-stage1to3']);
    const fx = await loadBackbone(SHIPPED_BACKBONES['resnet50v2-stage1to3']);
    try {
      expect(fx.sha256).toBe(descriptor.sha256);
      const demo = await generateDemoDataset({ productLine: 'lens', seed: 3, counts: { trainGood: 1, testGood: 0, testDefective: 1 }, size: 64 });
      const batch = toNormalizedBatch(
        demo.samples.map((s) => s.image),
        fx.normalization,
      );
      const out = await fx.extract(batch, fx.layers.map((l) => l.name));
      for (const l of fx.layers) {
        expect(out[l.name].dims).toEqual([2, l.channels, 64 / l.stride, 64 / l.stride]);
        expect(out[l.name].data.every(Number.isFinite)).toBe(true);
      }
      // post-ReLU taps are non-negative; the two images give different features
      expect(out.stage3_act.data.every((v) => v >= 0)).toBe(true);
      const per = out.stage2_act.data.length / 2;
      let diff = 0;
      for (let i = 0; i < per; i++) diff += Math.abs(out.stage2_act.data[i] - out.stage2_act.data[per + i]);
      expect(diff / per).toBeGreaterThan(1e-3);
    } finally {
      await fx.dispose();
    }
  });

  it('can be registered by a user descriptor with an absolute path (how users bring backbones)', async () => {
    const { descriptor } = await readDescriptor(SHIPPED_BACKBONES['resnet50v2-stage1to3']);
    const user = parseDescriptor({ ...descriptor, name: 'my-resnet', source: { kind: 'onnx', path: RESNET_ONNX }, layers: [descriptor.layers[1]], defaultLayers: undefined });
    const fx = await loadBackbone(user, { threads: 2 });
    try {
      expect(fx.layers.map((l) => l.name)).toEqual(['stage2_act']);
      expect(fx.runtime).toMatch(/onnxruntime-node .* cpu \(2 intra-op threads\)/);
    } finally {
      await fx.dispose();
    }
  });
});
