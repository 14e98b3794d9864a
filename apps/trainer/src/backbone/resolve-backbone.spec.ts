import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readDescriptor, SHIPPED_BACKBONES } from '@defectlab/backbones';
import { UserError } from '../user-error';
import { descriptorFor, openBackbone } from './resolve-backbone';

const RESNET_ONNX = path.resolve(__dirname, '..', '..', '..', '..', '..', 'shared', 'backbones', 'resnet50v2-stage1to3', 'resnet50v2_stage1to3.onnx');

describe('descriptorFor', () => {
  it('resolves "default" and shipped names to the shipped descriptors', async () => {
    expect((await descriptorFor('default')).name).toBe('mobilenet-v2-nsfwjs');
    const resnet = await descriptorFor('resnet50v2-stage1to3');
    expect(resnet.source.kind).toBe('onnx');
    expect(path.isAbsolute((resnet.source as { path: string }).path)).toBe(true);
  });

  it('names the value when it is neither a known name nor an existing .json/.onnx file', async () => {
    await expect(descriptorFor('efficientnet')).rejects.toThrow(UserError);
    await expect(descriptorFor('efficientnet')).rejects.toThrow(/--backbone efficientnet: expected "default"/);
    await expect(descriptorFor('/nowhere/b.onnx')).rejects.toThrow(/\/nowhere\/b\.onnx does not exist/);
  });

  (fs.existsSync(RESNET_ONNX) ? it : it.skip)('infers taps of a bare ONNX graph that match its hand-written descriptor', async () => {
    const inferred = await descriptorFor(RESNET_ONNX);
    const shipped = (await readDescriptor(SHIPPED_BACKBONES['resnet50v2-stage1to3'])).descriptor;
    expect(inferred.sha256).toBe(shipped.sha256);
    expect(inferred.input.name).toBe(shipped.input.name);
    for (const layer of shipped.layers) expect(inferred.layers).toContainEqual(layer);
  });
});

describe('openBackbone', () => {
  it('records the ONNX file the extractor runs, which the extractor names for export, with its size', async () => {
    const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'open-backbone-'));
    const opened = await openBackbone(await descriptorFor('default'), cacheDir);
    try {
      expect(opened.onnxPath.startsWith(cacheDir)).toBe(true);
      expect(opened.extractor.modelPath).toBe(opened.onnxPath);
      expect(opened.sizeBytes).toBe(fs.statSync(opened.onnxPath).size);
      expect(opened.sizeBytes).toBeGreaterThan(1_000_000);
    } finally {
      await opened.extractor.dispose();
      fs.rmSync(cacheDir, { recursive: true, force: true });
    }
  });
});
