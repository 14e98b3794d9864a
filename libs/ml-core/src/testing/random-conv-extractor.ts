import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { FeatureExtractor, LayerInfo } from '../feature-extractor';
import { OnnxGraphBuilder } from '../onnx/graph-builder';
import { createSession } from '../onnx/session';
import { SeededRandom } from '../random/seeded-random';

/**
 * A TEST FIXTURE, not a backbone: a deterministic random-weight CNN behind the real
 * {@link FeatureExtractor} interface, so model specs can run (fit, score, save, export) on machines
 * without the shared pretrained weights. Four 3x3 stride-2 conv + ReLU stages give taps
 * `l1` (8 ch, stride 4), `l2` (16 ch, stride 8) and `l3` (32 ch, stride 16).
 * The ONNX file is written to a fresh temp folder (`modelPath`); `dispose()` deletes it.
 */
export async function createRandomConvExtractor(seed = 0): Promise<FeatureExtractor> {
  const rng = new SeededRandom(seed);
  const g = new OnnxGraphBuilder({ name: 'random-conv-extractor', opset: 13 });
  let x = g.input('input', ['N', 3, 'H', 'W']);
  const widths = [8, 8, 16, 32];
  const names = ['stem', 'l1', 'l2', 'l3'];
  let cin = 3;
  const layers: LayerInfo[] = [];
  widths.forEach((c, i) => {
    const w = g.initializer(`w${i}`, rng.normalArray(c * cin * 9, Math.sqrt(2 / (cin * 9))), [c, cin, 3, 3]);
    x = g.relu(g.conv(x, w, undefined, { strides: [2, 2], pads: [1, 1, 1, 1] }));
    if (i > 0) {
      g.output(x, names[i], ['N', c, `h${i}`, `w${i}`]);
      layers.push({ name: names[i], channels: c, stride: 2 ** (i + 1) });
    }
    cin = c;
  });
  const bytes = g.toBytes();
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'random-conv-extractor-'));
  const modelPath = path.join(dir, 'random-conv.onnx');
  await fs.writeFile(modelPath, bytes);
  const session = await createSession(bytes);
  return {
    name: `random-conv-${seed}`,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    layers,
    normalization: { mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] },
    runtime: 'onnxruntime-node cpu (test fixture)',
    modelPath,
    async extract(batch, wanted) {
      return session.run({ input: batch }, wanted);
    },
    async dispose() {
      await session.release();
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}
