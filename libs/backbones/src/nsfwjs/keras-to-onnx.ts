import { attr, OnnxGraphBuilder } from '@defectlab/ml-core';
import type { KerasLayer } from './source-files';

/** Bump when the emitted graph changes, so cached conversions are rebuilt. */
export const CONVERTER_VERSION = 1;

type Weights = ReadonlyMap<string, { data: Float32Array; shape: number[] }>;

/**
 * Converts the part of a Keras functional model (as stored by TF.js) that the `taps` need into ONNX.
 * Supported layers: InputLayer, ZeroPadding2D, Conv2D, DepthwiseConv2D, BatchNormalization, ReLU
 * (incl. ReLU6 via max_value), Add. That covers Keras MobileNetV2 up to `out_relu`.
 *
 * Layout: the ONNX graph takes NCHW input `inputName` [N, 3, H, W] (any N, H, W) and has one NCHW output
 * per tap, named after the Keras layer. TF's NHWC kernels [kh, kw, cin, cout] become [cout, cin, kh, kw];
 * depthwise kernels [kh, kw, cin, m] become [cin*m, 1, kh, kw] with group = cin.
 * A BatchNormalization directly after a convolution is folded into its weights; a ZeroPadding2D feeding
 * 'valid' convolutions only becomes those convolutions' pads.
 * @returns ONNX model bytes.
 */
export function convertKerasToOnnx(layers: readonly KerasLayer[], weights: Weights, taps: readonly string[], inputName = 'input'): Uint8Array {
  const byName = new Map(layers.map((l) => [l.name, l]));
  const consumers = new Map<string, KerasLayer[]>();
  for (const l of layers) {
    for (const src of inboundNames(l)) consumers.set(src, [...(consumers.get(src) ?? []), l]);
  }
  const needed = neededLayers(byName, taps);
  const g = new OnnxGraphBuilder({ name: 'keras-converted', docString: `converted by defectlab backbones v${CONVERTER_VERSION}; taps ${taps.join(', ')}` });
  const value = new Map<string, string>();
  /** ZeroPadding2D layers deferred into their consumers: name -> [top, left, bottom, right]. */
  const deferredPad = new Map<string, [number, number, number, number]>();

  for (const layer of layers) {
    if (!needed.has(layer.name) || value.has(layer.name)) continue;
    const ins = inboundNames(layer);
    const cfg = layer.config;
    switch (layer.class_name) {
      case 'InputLayer':
        value.set(layer.name, g.input(inputName, ['N', 3, 'H', 'W']));
        break;
      case 'ZeroPadding2D': {
        const [[top, bottom], [left, right]] = cfg.padding as [[number, number], [number, number]];
        const users = consumers.get(layer.name) ?? [];
        const foldable = users.every((u) => (u.class_name === 'Conv2D' || u.class_name === 'DepthwiseConv2D') && u.config.padding === 'valid');
        if (foldable) {
          deferredPad.set(layer.name, [top, left, bottom, right]);
          value.set(layer.name, `deferred:${layer.name}`);
        } else {
          value.set(layer.name, g.pad(valueOf(value, ins[0]), [0, 0, top, left, 0, 0, bottom, right]));
        }
        break;
      }
      case 'Conv2D':
      case 'DepthwiseConv2D': {
        let input = ins[0];
        let pads: [number, number, number, number] = [0, 0, 0, 0];
        const deferred = deferredPad.get(input);
        if (deferred) {
          pads = deferred;
          input = inboundNames(byName.get(input) as KerasLayer)[0];
        }
        const depthwise = layer.class_name === 'DepthwiseConv2D';
        const kernel = weights.get(`${layer.name}/${depthwise ? 'depthwise_kernel' : 'kernel'}`);
        if (!kernel) throw new Error(`${layer.name}: kernel weights missing`);
        const [kh, kw, cin, last] = kernel.shape;
        const cout = depthwise ? cin * last : last;
        let w = depthwise ? depthwiseKernelToOnnx(kernel.data, kh, kw, cin, last) : convKernelToOnnx(kernel.data, kh, kw, cin, last);
        let b: Float32Array = cfg.use_bias ? (weights.get(`${layer.name}/bias`)?.data ?? missing(layer.name, 'bias')) : new Float32Array(cout);
        if ((cfg.activation ?? 'linear') !== 'linear') throw new Error(`${layer.name}: fused activation ${String(cfg.activation)} not supported`);
        // fold a following BatchNormalization into this conv
        const users = consumers.get(layer.name) ?? [];
        const bn = users.length === 1 && users[0].class_name === 'BatchNormalization' ? users[0] : null;
        if (bn) ({ w, b } = foldBatchNorm(w, b, cout, bnParams(bn, weights, cout)));
        const strides = cfg.strides as [number, number];
        const dilations = (cfg.dilation_rate as [number, number] | undefined) ?? [1, 1];
        const attrs: Record<string, ReturnType<typeof attr.int>> = {
          kernel_shape: attr.ints([kh, kw]),
          strides: attr.ints(strides),
          dilations: attr.ints(dilations),
          group: attr.int(depthwise ? cin : 1),
        };
        if (cfg.padding === 'same') {
          if (strides[0] === 1 && strides[1] === 1 && kh % 2 === 1 && kw % 2 === 1) {
            const ph = (dilations[0] * (kh - 1)) / 2;
            const pw = (dilations[1] * (kw - 1)) / 2;
            attrs.pads = attr.ints([ph, pw, ph, pw]);
          } else {
            attrs.auto_pad = attr.string('SAME_UPPER'); // TF's 'same': the extra pixel goes at the end
          }
        } else {
          attrs.pads = attr.ints(pads);
        }
        const wName = g.initializer(`${layer.name}_w`, w, depthwise ? [cout, 1, kh, kw] : [cout, cin, kh, kw]);
        const bName = g.initializer(`${layer.name}_b`, b, [cout]);
        const y = g.op('Conv', [valueOf(value, input), wName, bName], attrs);
        value.set(layer.name, y);
        if (bn) value.set(bn.name, y);
        break;
      }
      case 'BatchNormalization': {
        const c = weights.get(`${layer.name}/moving_mean`)?.data.length ?? missing(layer.name, 'moving_mean');
        const p = bnParams(layer, weights, c);
        const scale = new Float32Array(c);
        const shift = new Float32Array(c);
        for (let i = 0; i < c; i++) {
          scale[i] = p.gamma[i] / Math.sqrt(p.variance[i] + p.epsilon);
          shift[i] = p.beta[i] - p.mean[i] * scale[i];
        }
        const x = g.mul(valueOf(value, ins[0]), g.initializer(`${layer.name}_scale`, scale, [1, c, 1, 1]));
        value.set(layer.name, g.add(x, g.initializer(`${layer.name}_shift`, shift, [1, c, 1, 1])));
        break;
      }
      case 'ReLU': {
        if ((cfg.negative_slope ?? 0) !== 0 || (cfg.threshold ?? 0) !== 0) throw new Error(`${layer.name}: leaky/thresholded ReLU not supported`);
        const x = valueOf(value, ins[0]);
        value.set(layer.name, cfg.max_value == null ? g.relu(x) : g.clip(x, 0, cfg.max_value as number));
        break;
      }
      case 'Add': {
        let sum = valueOf(value, ins[0]);
        for (const other of ins.slice(1)) sum = g.add(sum, valueOf(value, other));
        value.set(layer.name, sum);
        break;
      }
      default:
        throw new Error(`${layer.name}: Keras layer ${layer.class_name} is not supported by the converter`);
    }
  }
  for (const t of taps) g.output(valueOf(value, t), t);
  return g.toBytes();
}

function inboundNames(l: KerasLayer): string[] {
  return (l.inbound_nodes[0] ?? []).map((n) => n[0]);
}

function neededLayers(byName: ReadonlyMap<string, KerasLayer>, taps: readonly string[]): Set<string> {
  const needed = new Set<string>();
  const stack = [...taps];
  while (stack.length > 0) {
    const n = stack.pop() as string;
    if (needed.has(n)) continue;
    const layer = byName.get(n);
    if (!layer) throw new Error(`tap "${n}" is not a layer of the model`);
    needed.add(n);
    stack.push(...inboundNames(layer));
  }
  return needed;
}

function valueOf(value: ReadonlyMap<string, string>, layer: string): string {
  const v = value.get(layer);
  if (!v || v.startsWith('deferred:')) throw new Error(`layer ${layer} has no value (unsupported topology)`);
  return v;
}

function missing(layer: string, what: string): never {
  throw new Error(`${layer}: ${what} weights missing`);
}

interface BnParams {
  gamma: Float32Array;
  beta: Float32Array;
  mean: Float32Array;
  variance: Float32Array;
  epsilon: number;
}

function bnParams(layer: KerasLayer, weights: Weights, c: number): BnParams {
  const get = (k: string) => weights.get(`${layer.name}/${k}`)?.data;
  return {
    gamma: layer.config.scale === false ? new Float32Array(c).fill(1) : (get('gamma') ?? missing(layer.name, 'gamma')),
    beta: layer.config.center === false ? new Float32Array(c) : (get('beta') ?? missing(layer.name, 'beta')),
    mean: get('moving_mean') ?? missing(layer.name, 'moving_mean'),
    variance: get('moving_variance') ?? missing(layer.name, 'moving_variance'),
    epsilon: (layer.config.epsilon as number | undefined) ?? 1e-3,
  };
}

/** Folds y = gamma * (conv(x) + b - mean) / sqrt(var + eps) + beta into the conv's weights (computed in float64). */
function foldBatchNorm(w: Float32Array, b: Float32Array, cout: number, p: BnParams): { w: Float32Array; b: Float32Array } {
  const per = w.length / cout;
  const fw = new Float32Array(w.length);
  const fb = new Float32Array(cout);
  for (let o = 0; o < cout; o++) {
    const s = p.gamma[o] / Math.sqrt(p.variance[o] + p.epsilon);
    for (let i = 0; i < per; i++) fw[o * per + i] = w[o * per + i] * s;
    fb[o] = (b[o] - p.mean[o]) * s + p.beta[o];
  }
  return { w: fw, b: fb };
}

/** [kh, kw, cin, cout] -> [cout, cin, kh, kw]. */
function convKernelToOnnx(k: Float32Array, kh: number, kw: number, cin: number, cout: number): Float32Array {
  const out = new Float32Array(k.length);
  for (let y = 0; y < kh; y++)
    for (let x = 0; x < kw; x++)
      for (let i = 0; i < cin; i++)
        for (let o = 0; o < cout; o++) out[((o * cin + i) * kh + y) * kw + x] = k[((y * kw + x) * cin + i) * cout + o];
  return out;
}

/** [kh, kw, cin, m] -> [cin*m, 1, kh, kw] (output channel c*m + j, as TF orders depthwise outputs). */
function depthwiseKernelToOnnx(k: Float32Array, kh: number, kw: number, cin: number, m: number): Float32Array {
  const out = new Float32Array(k.length);
  for (let y = 0; y < kh; y++)
    for (let x = 0; x < kw; x++)
      for (let c = 0; c < cin; c++)
        for (let j = 0; j < m; j++) out[((c * m + j) * kh + y) * kw + x] = k[((y * kw + x) * cin + c) * m + j];
  return out;
}
