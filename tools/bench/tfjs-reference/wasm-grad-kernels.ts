/**
 * Replacement gradient kernels for the TensorFlow.js WebAssembly backend.
 *
 * The wasm backend lacks Conv2DBackpropFilter, and its Conv2DBackpropInput and transposed BatchMatMul
 * are slow. Each kernel here is rewritten as a composition of the backend's own fast
 * XNNPACK forward kernels (Conv2D, BatchMatMul) plus cheap data movement (Transpose, PadV2, Reverse,
 * Slice, Reshape). All tensors are NHWC (tfjs "channelsLast"); filters are [KH, KW, Cin, Cout].
 */
import type * as tfType from '@tensorflow/tfjs';

type Tf = typeof tfType;
type TensorInfo = tfType.TensorInfo;
type Backend = tfType.KernelBackend & { disposeData(dataId: object, force?: boolean): boolean };
type KernelFunc = (args: { inputs: Record<string, TensorInfo>; backend: Backend; attrs: Record<string, unknown> }) => TensorInfo;

/** The wasm kernels our replacements are built from, captured before anything is overridden. */
interface BaseKernels {
  readonly conv2d: KernelFunc;
  readonly batchMatMul: KernelFunc;
  readonly transpose: KernelFunc;
  readonly pad: KernelFunc;
  readonly reverse: KernelFunc;
  readonly slice: KernelFunc;
  readonly reshape: KernelFunc;
}

const WASM = 'wasm';

function baseKernel(tf: Tf, name: string): KernelFunc {
  const config = tf.getKernel(name, WASM);
  if (!config) throw new Error(`tfjs wasm backend has no ${name} kernel`);
  return config.kernelFunc as unknown as KernelFunc;
}

/**
 * A tiny op vocabulary over the base kernels that frees every intermediate it creates.
 * Inputs owned by the caller are never freed.
 */
class KernelOps {
  private readonly owned: TensorInfo[] = [];

  constructor(
    private readonly k: BaseKernels,
    private readonly backend: Backend,
  ) {}

  private own(t: TensorInfo): TensorInfo {
    this.owned.push(t);
    return t;
  }

  transpose(x: TensorInfo, perm: number[]): TensorInfo {
    return this.own(this.k.transpose({ inputs: { x }, backend: this.backend, attrs: { perm } }));
  }

  pad(x: TensorInfo, paddings: Array<[number, number]>): TensorInfo {
    if (paddings.every(([a, b]) => a === 0 && b === 0)) return x;
    return this.own(this.k.pad({ inputs: { x }, backend: this.backend, attrs: { paddings, constantValue: 0 } }));
  }

  reverse(x: TensorInfo, dims: number[]): TensorInfo {
    return this.own(this.k.reverse({ inputs: { x }, backend: this.backend, attrs: { dims } }));
  }

  slice(x: TensorInfo, begin: number[], size: number[]): TensorInfo {
    if (begin.every((b) => b === 0) && size.every((s, i) => s === x.shape[i])) return x;
    return this.own(this.k.slice({ inputs: { x }, backend: this.backend, attrs: { begin, size } }));
  }

  reshape(x: TensorInfo, shape: number[]): TensorInfo {
    return this.own(this.k.reshape({ inputs: { x }, backend: this.backend, attrs: { shape } }));
  }

  /** Plain NHWC conv, stride 1, explicit zero padding already applied ('valid'), optional dilation. */
  convValid(x: TensorInfo, filter: TensorInfo, dilation = 1): TensorInfo {
    return this.own(
      this.k.conv2d({
        inputs: { x, filter },
        backend: this.backend,
        attrs: { strides: [1, 1], pad: 'valid', dataFormat: 'NHWC', dilations: [dilation, dilation], dimRoundingMode: undefined },
      }),
    );
  }

  matMul(a: TensorInfo, b: TensorInfo): TensorInfo {
    return this.own(
      this.k.batchMatMul({ inputs: { a, b }, backend: this.backend, attrs: { transposeA: false, transposeB: false } }),
    );
  }

  /** Marks `t` as the result: it survives `release()`. */
  keep(t: TensorInfo): TensorInfo {
    const i = this.owned.indexOf(t);
    if (i >= 0) this.owned.splice(i, 1);
    return t;
  }

  release(): void {
    for (const t of this.owned) this.backend.disposeData(t.dataId);
    this.owned.length = 0;
  }
}

interface ConvGeometry {
  readonly strideH: number;
  readonly strideW: number;
  readonly padTop: number;
  readonly padLeft: number;
  readonly padBottom: number;
  readonly padRight: number;
  readonly outH: number;
  readonly outW: number;
}

function convGeometry(
  tf: Tf,
  xShape: readonly number[],
  filterShape: readonly number[],
  attrs: Record<string, unknown>,
): ConvGeometry {
  const dataFormat = (attrs.dataFormat as string | undefined) ?? 'NHWC';
  if (dataFormat !== 'NHWC' && dataFormat !== 'channelsLast') {
    throw new Error(`custom wasm conv gradient: dataFormat ${dataFormat} is not supported (use NHWC)`);
  }
  const info = tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs.strides as [number, number] | number,
    1,
    attrs.pad as 'same' | 'valid' | number,
    attrs.dimRoundingMode as 'floor' | 'round' | 'ceil' | undefined,
    false,
    'channelsLast',
  );
  return {
    strideH: info.strideHeight,
    strideW: info.strideWidth,
    padTop: info.padInfo.top,
    padLeft: info.padInfo.left,
    padBottom: info.padInfo.bottom,
    padRight: info.padInfo.right,
    outH: info.outHeight,
    outW: info.outWidth,
  };
}

/**
 * dW = Conv2DBackpropFilter(x [N,H,W,Cin], dy [N,Ho,Wo,Cout]) -> [KH,KW,Cin,Cout].
 *
 * dW[kh,kw,ci,co] = sum_{n,oh,ow} xpad[n, oh*s+kh, ow*s+kw, ci] * dy[n,oh,ow,co], which is a 'valid'
 * convolution of xpad^T [Cin,Hp,Wp,N] with dy^T [Ho,Wo,N,Cout] as filter, dilated by the stride
 * (the batch axis plays the role of the input channels). Its first KH x KW outputs are dW.
 */
function makeConv2DBackpropFilter(tf: Tf, k: BaseKernels): KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const { x, dy } = inputs;
    const filterShape = attrs.filterShape as number[];
    const [kh, kw, cin, cout] = filterShape;
    const g = convGeometry(tf, x.shape, filterShape, attrs);
    const ops = new KernelOps(k, backend);
    try {
      // Pad x, then crop to exactly the rows/cols the strided windows touch.
      const xPad = ops.pad(x, [
        [0, 0],
        [g.padTop, Math.max(0, g.padBottom)],
        [g.padLeft, Math.max(0, g.padRight)],
        [0, 0],
      ]);
      const needH = (g.outH - 1) * g.strideH + kh;
      const needW = (g.outW - 1) * g.strideW + kw;
      const xCrop = ops.slice(xPad, [0, 0, 0, 0], [x.shape[0], needH, needW, cin]);
      const xT = ops.transpose(xCrop, [3, 1, 2, 0]); // [Cin, needH, needW, N]
      const dyT = ops.transpose(dy, [1, 2, 0, 3]); // [Ho, Wo, N, Cout]
      let out: TensorInfo;
      if (g.strideH === g.strideW) {
        out = ops.convValid(xT, dyT, g.strideH); // [Cin, KH, KW, Cout]
      } else {
        throw new Error('custom wasm Conv2DBackpropFilter: unequal strides are not supported');
      }
      const cropped = ops.slice(out, [0, 0, 0, 0], [cin, kh, kw, cout]);
      return ops.keep(ops.transpose(cropped, [1, 2, 0, 3]));
    } finally {
      ops.release();
    }
  };
}

/**
 * dx = Conv2DBackpropInput(dy [N,Ho,Wo,Cout], filter [KH,KW,Cin,Cout]) -> inputShape [N,H,W,Cin].
 *
 * dy is dilated by the stride (zeros between entries), padded by (K-1-pad) before and enough after
 * to reach H, then convolved ('valid', stride 1) with the spatially flipped filter whose in/out
 * channels are swapped: [KH,KW,Cout,Cin].
 */
function makeConv2DBackpropInput(tf: Tf, k: BaseKernels): KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const { dy, filter } = inputs;
    const inputShape = attrs.inputShape as number[];
    const [n, h, w, cin] = inputShape;
    const [kh, kw, , cout] = filter.shape;
    const g = convGeometry(tf, inputShape, filter.shape, attrs);
    const ho = dy.shape[1];
    const wo = dy.shape[2];
    const ops = new KernelOps(k, backend);
    try {
      let dyDil = dy;
      if (g.strideH > 1 || g.strideW > 1) {
        const r = ops.reshape(dy, [n, ho, 1, wo, 1, cout]);
        const p = ops.pad(r, [
          [0, 0],
          [0, 0],
          [0, g.strideH - 1],
          [0, 0],
          [0, g.strideW - 1],
          [0, 0],
        ]);
        const flat = ops.reshape(p, [n, ho * g.strideH, wo * g.strideW, cout]);
        dyDil = ops.slice(flat, [0, 0, 0, 0], [n, (ho - 1) * g.strideH + 1, (wo - 1) * g.strideW + 1, cout]);
      }
      const dH = dyDil.shape[1];
      const dW = dyDil.shape[2];
      const top = kh - 1 - g.padTop;
      const left = kw - 1 - g.padLeft;
      // Output rows of a valid conv = dH + top + bottom - KH + 1 = H.
      const bottom = h - dH - top + kh - 1;
      const right = w - dW - left + kw - 1;
      const padded = ops.pad(dyDil, [
        [0, 0],
        [Math.max(0, top), Math.max(0, bottom)],
        [Math.max(0, left), Math.max(0, right)],
        [0, 0],
      ]);
      // Negative padding (pad > K-1) means cropping instead.
      const cropped = ops.slice(
        padded,
        [0, Math.max(0, -top), Math.max(0, -left), 0],
        [n, h + kh - 1, w + kw - 1, cout],
      );
      const flipped = ops.reverse(filter, [0, 1]);
      const swapped = ops.transpose(flipped, [0, 1, 3, 2]); // [KH, KW, Cout, Cin]
      const dx = ops.convValid(cropped, swapped);
      if (dx.shape[3] !== cin) throw new Error('custom wasm Conv2DBackpropInput: channel mismatch');
      return ops.keep(dx);
    } finally {
      ops.release();
    }
  };
}

/** BatchMatMul that transposes explicitly first, then runs the fast non-transposed kernel. */
function makeBatchMatMul(k: BaseKernels): KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const { a, b } = inputs;
    const transposeA = Boolean(attrs.transposeA);
    const transposeB = Boolean(attrs.transposeB);
    if (!transposeA && !transposeB) return k.batchMatMul({ inputs, backend, attrs });
    const ops = new KernelOps(k, backend);
    try {
      const swapLast = (t: TensorInfo): TensorInfo => {
        const r = t.shape.length;
        const perm = [...Array(r).keys()];
        [perm[r - 2], perm[r - 1]] = [perm[r - 1], perm[r - 2]];
        return ops.transpose(t, perm);
      };
      const aa = transposeA ? swapLast(a) : a;
      const bb = transposeB ? swapLast(b) : b;
      return ops.keep(ops.matMul(aa, bb));
    } finally {
      ops.release();
    }
  };
}

let registered = false;

/**
 * Registers our Conv2DBackpropFilter, Conv2DBackpropInput and BatchMatMul kernels for the wasm
 * backend. Call after `tf.setBackend('wasm')` resolved true. Idempotent.
 */
export function registerWasmGradKernels(tf: Tf): void {
  if (registered) return;
  const k: BaseKernels = {
    conv2d: baseKernel(tf, 'Conv2D'),
    batchMatMul: baseKernel(tf, 'BatchMatMul'),
    transpose: baseKernel(tf, 'Transpose'),
    pad: baseKernel(tf, 'PadV2'),
    reverse: baseKernel(tf, 'Reverse'),
    slice: baseKernel(tf, 'Slice'),
    reshape: baseKernel(tf, 'Reshape'),
  };
  const replace = (kernelName: string, kernelFunc: KernelFunc): void => {
    if (tf.getKernel(kernelName, WASM)) tf.unregisterKernel(kernelName, WASM);
    tf.registerKernel({ kernelName, backendName: WASM, kernelFunc: kernelFunc as unknown as tfType.KernelFunc });
  };
  replace('Conv2DBackpropFilter', makeConv2DBackpropFilter(tf, k));
  replace('Conv2DBackpropInput', makeConv2DBackpropInput(tf, k));
  replace('BatchMatMul', makeBatchMatMul(k));
  registered = true;
}
