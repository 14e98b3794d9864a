import * as path from 'node:path';
import * as ort from 'onnxruntime-node';
import type { TBackboneDescriptor } from '@defectlab/backbones';
import { sha256File } from '@defectlab/datasets';
import { UserError } from '../user-error';

/** ImageNet mean/std, the normalisation assumed for a bare ONNX backbone (say otherwise with a descriptor). */
const IMAGENET = { mean: [0.485, 0.456, 0.406] as [number, number, number], std: [0.229, 0.224, 0.225] as [number, number, number] };
const PROBE_SIDE = 224;

/**
 * Builds a backbone descriptor for a bare ONNX file: the first graph input is the image, every 4-D output
 * is a tap. Channels and strides are measured by running one zero image of 224 x 224; the normalisation
 * is assumed to be ImageNet's. A descriptor JSON beside the graph is the way to say anything else.
 * @param onnxFile absolute or relative path of the graph
 * @returns a descriptor whose `source.path` is absolute
 * @throws UserError when the file cannot be opened as an ONNX graph or has no 4-D output
 */
export async function inferDescriptorFromOnnx(onnxFile: string): Promise<TBackboneDescriptor> {
  const file = path.resolve(onnxFile);
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(file, { logSeverityLevel: 3, intraOpNumThreads: 1 });
  } catch (e) {
    throw new UserError(`${file}: cannot open as an ONNX backbone (${(e as Error).message})`);
  }
  try {
    const inputName = session.inputNames[0];
    const input = new ort.Tensor('float32', new Float32Array(3 * PROBE_SIDE * PROBE_SIDE), [1, 3, PROBE_SIDE, PROBE_SIDE]);
    const out = await session.run({ [inputName]: input });
    const layers = session.outputNames
      .filter((n) => out[n].dims.length === 4)
      .map((n) => ({ name: n, channels: Number(out[n].dims[1]), stride: Math.max(1, Math.round(PROBE_SIDE / Number(out[n].dims[2]))) }));
    for (const v of Object.values(out)) v.dispose();
    if (layers.length === 0) throw new UserError(`${file}: the graph has no 4-D (NCHW) output to use as a feature map`);
    const name = path.basename(file, path.extname(file)).replace(/[^a-z0-9._-]/gi, '-').replace(/^[^a-z0-9]+/i, '') || 'backbone';
    return {
      name,
      description: `inferred by the trainer from ${file} (ImageNet normalisation assumed)`,
      source: { kind: 'onnx', path: file },
      sha256: await sha256File(file),
      input: { name: inputName, normalization: IMAGENET, sizeMultiple: Math.max(...layers.map((l) => l.stride)) },
      layers,
    };
  } finally {
    await session.release();
  }
}
