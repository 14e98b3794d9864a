import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { sha256Bytes } from '@defectlab/datasets';

/** A TensorFlow.js weight entry of a weights manifest. */
export interface WeightSpec {
  readonly name: string;
  readonly shape: readonly number[];
  readonly dtype: 'float32' | 'int32';
  readonly quantization?: { readonly dtype: string; readonly min?: number; readonly scale?: number };
}

/** A Keras layer as stored in a TF.js `model.json` topology. */
export interface KerasLayer {
  readonly class_name: string;
  readonly name: string;
  readonly config: Record<string, unknown>;
  readonly inbound_nodes: readonly (readonly (readonly [string, number, number, unknown])[])[];
}

/** What a TF.js layers model consists of, decoded from the nsfwjs package. */
export interface TfjsModelFiles {
  /** The raw `modelTopology` object (Keras config). */
  readonly modelTopology: { model_config: { class_name: string; config: { layers: KerasLayer[] } } } & Record<string, unknown>;
  readonly weightSpecs: WeightSpec[];
  /** Concatenated weight shards (still quantised). */
  readonly weightData: ArrayBuffer;
  /**
   * sha256 over the package's files: hex sha256 of the text "<sha256 of file>  <file name>\n" for
   * model.min.js and each shard, sorted by file name (the format of a SHA256SUMS file).
   */
  readonly sourceSha256: string;
  /** The nsfwjs version the files came from. */
  readonly packageVersion: string;
}

/** Folder of the installed nsfwjs package (its `exports` map hides package.json, so walk up from main). */
export async function nsfwjsPackageDir(): Promise<string> {
  let dir = path.dirname(require.resolve('nsfwjs'));
  for (;;) {
    try {
      const pkg = JSON.parse(await fs.readFile(path.join(dir, 'package.json'), 'utf8'));
      if (pkg.name === 'nsfwjs') return dir;
    } catch {
      // keep walking up
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('nsfwjs: package folder not found (is the npm package installed?)');
    dir = parent;
  }
}

/**
 * Loads `<nsfwjs>/dist/models/<model>/model.min.js` and its `group*-shard*.min.js` files directly
 * (the package's own loader is 10-100x slower). The files are UMD bundles: the model file exports
 * `{ modelTopology, weightsManifest }` and each shard exports its bytes as a base64 string.
 */
export async function readNsfwjsModelFiles(model: string): Promise<TfjsModelFiles> {
  const pkgDir = await nsfwjsPackageDir();
  const dir = path.join(pkgDir, 'dist', 'models', model);
  const modelFile = path.join(dir, 'model.min.js');
  const sums: string[] = [];
  const modelText = await fs.readFile(modelFile);
  sums.push(`${sha256Bytes(modelText)}  model.min.js`);
  const modelJson = evalUmd(modelText.toString('utf8'), modelFile) as {
    modelTopology: TfjsModelFiles['modelTopology'];
    weightsManifest: { paths: string[]; weights: WeightSpec[] }[];
  };
  const weightSpecs: WeightSpec[] = [];
  const shards: Uint8Array[] = [];
  for (const group of modelJson.weightsManifest) {
    weightSpecs.push(...group.weights);
    for (const p of group.paths) {
      const shardFile = path.join(dir, `${p}.min.js`);
      const text = await fs.readFile(shardFile);
      sums.push(`${sha256Bytes(text)}  ${p}.min.js`);
      const b64 = evalUmd(text.toString('utf8'), shardFile);
      if (typeof b64 !== 'string') throw new Error(`${shardFile}: expected a base64 string export`);
      shards.push(Buffer.from(b64, 'base64'));
    }
  }
  const total = shards.reduce((s, b) => s + b.length, 0);
  const weightData = new Uint8Array(total);
  let offset = 0;
  for (const s of shards) {
    weightData.set(s, offset);
    offset += s.length;
  }
  const pkg = JSON.parse(await fs.readFile(path.join(pkgDir, 'package.json'), 'utf8'));
  sums.sort((a, b) => (a.slice(66) < b.slice(66) ? -1 : 1));
  return {
    modelTopology: modelJson.modelTopology,
    weightSpecs,
    weightData: weightData.buffer,
    sourceSha256: sha256Bytes(sums.map((l) => `${l}\n`).join('')),
    packageVersion: String(pkg.version),
  };
}

/** Evaluates a UMD bundle in CommonJS style and returns its `module.exports` (no globals touched). */
function evalUmd(code: string, file: string): unknown {
  const module = { exports: {} as unknown };
  try {
    // The bundles come from the installed npm package whose files we also hash and verify.
    const fn = new Function('module', 'exports', 'require', code);
    fn(module, module.exports, () => {
      throw new Error('unexpected require');
    });
  } catch (e) {
    throw new Error(`${file}: cannot evaluate model bundle (${(e as Error).message})`);
  }
  return module.exports;
}

/**
 * Dequantises the weights exactly as TF.js does (`v * scale + min`, stored as float32).
 * @returns weight name -> { data, shape } in TF layout (conv kernels [kh, kw, cin, cout]).
 */
export function decodeWeights(specs: readonly WeightSpec[], data: ArrayBuffer): Map<string, { data: Float32Array; shape: number[] }> {
  const out = new Map<string, { data: Float32Array; shape: number[] }>();
  let offset = 0;
  for (const spec of specs) {
    const n = spec.shape.reduce((a, b) => a * b, 1);
    const q = spec.quantization;
    let values: Float32Array;
    if (!q) {
      if (spec.dtype !== 'float32') throw new Error(`weight ${spec.name}: unsupported dtype ${spec.dtype}`);
      values = new Float32Array(data.slice(offset, offset + 4 * n));
      offset += 4 * n;
    } else if ((q.dtype === 'uint8' || q.dtype === 'uint16') && q.min !== undefined && q.scale !== undefined) {
      const bytes = q.dtype === 'uint8' ? 1 : 2;
      const raw = q.dtype === 'uint8' ? new Uint8Array(data, offset, n) : new Uint16Array(data.slice(offset, offset + 2 * n));
      values = new Float32Array(n);
      for (let i = 0; i < n; i++) values[i] = raw[i] * q.scale + q.min;
      offset += bytes * n;
    } else {
      throw new Error(`weight ${spec.name}: unsupported quantization ${JSON.stringify(q)}`);
    }
    out.set(spec.name, { data: values, shape: [...spec.shape] });
  }
  if (offset !== data.byteLength) throw new Error(`weights: manifest covers ${offset} bytes but shards hold ${data.byteLength}`);
  return out;
}
