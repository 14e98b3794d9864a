import * as ort from 'onnxruntime-node';
import { OnnxGraphBuilder } from '../../onnx';
import { SeededRandom } from '../../random';
import { appendGradients } from '../autodiff';
import type { FloatType } from '../gradient-context';
import { inferShapes } from '../shape-inference';

/** One differentiable input of a checked graph: dims and values (drawn by the property). */
export interface CheckedInput {
  readonly dims: readonly number[];
  readonly data: readonly number[];
}

export interface GradientCheckCase {
  readonly dtype: FloatType;
  readonly inputs: readonly CheckedInput[];
  /** Builds the op(s) under test on the inputs (graph input names) and returns the output value. */
  readonly build: (g: OnnxGraphBuilder, inputs: readonly string[]) => string;
  /** Seed of the loss weights and perturbation directions. */
  readonly seed: number;
  /** Central-difference step (default 1e-6 in float64, 1e-2 in float32). */
  readonly epsilon?: number;
}

export interface GradientCheckResult {
  /** Per input: the directional derivative from the gradient graph and from central differences. */
  readonly analytic: number[];
  readonly numeric: number[];
  /** Per input: sum |g_i v_i|, the scale the difference is compared to. */
  readonly scale: number[];
  /** Bound of the rounding error of the central difference: 8 ulp of sum |y r|, divided by the step. */
  readonly rounding: number;
}

/**
 * Checks the appended gradient graph against central finite differences. The loss is
 * L = sum(y * r) for fixed random weights r, so every element of the output contributes. For each
 * input i a random direction v_i is drawn and the directional derivative sum(dL/dx_i * v_i) is
 * compared with (L(x + eps v_i) - L(x - eps v_i)) / (2 eps); the caller asserts the tolerance.
 */
export async function checkGradients(c: GradientCheckCase): Promise<GradientCheckResult> {
  const rng = new SeededRandom(c.seed);
  const g = new OnnxGraphBuilder({ name: 'gradient_check' });
  const names = c.inputs.map((inp, i) => g.input(`x${i}`, inp.dims, c.dtype));
  const y = c.build(g, names);
  const ys = inferShapes(g).get(y);
  if (!ys) throw new Error(`checkGradients: no static shape for "${y}"`);
  const r = g.input('r', ys, c.dtype);
  const weighted = g.mul(y, r);
  const loss = g.reduceSum(weighted, ys.map((_, i) => i), false);
  g.output(g.reduceSum(g.abs(weighted), ys.map((_, i) => i), false), 'loss_abs', [], c.dtype);
  const { gradients } = appendGradients(g, { loss, wrt: names, model: 'gradient_check', dtype: c.dtype });
  g.output(loss, 'loss', [], c.dtype);
  gradients.forEach((d, i) => g.output(d, `grad_${i}`, c.inputs[i].dims, c.dtype));
  const session = await ort.InferenceSession.create(g.toBytes(), { logSeverityLevel: 3, intraOpNumThreads: 1 });
  const Arr = c.dtype === 'float64' ? Float64Array : Float32Array;
  const tensor = (data: ArrayLike<number>, dims: readonly number[]) => new ort.Tensor(c.dtype, Arr.from(data), [...dims]);
  const rData = Array.from({ length: ys.reduce((a, b) => a * b, 1) }, () => rng.normal());
  const feeds = (shift?: { input: number; v: number[]; eps: number }): Record<string, ort.Tensor> => {
    const f: Record<string, ort.Tensor> = { r: tensor(rData, ys) };
    c.inputs.forEach((inp, i) => {
      const data = shift?.input === i ? inp.data.map((x, k) => x + shift.eps * shift.v[k]) : inp.data;
      f[names[i]] = tensor(data, inp.dims);
    });
    return f;
  };
  try {
    const base = await session.run(feeds());
    const eps = c.epsilon ?? (c.dtype === 'float64' ? 1e-6 : 1e-2);
    const analytic: number[] = [];
    const numeric: number[] = [];
    const scale: number[] = [];
    for (let i = 0; i < c.inputs.length; i++) {
      const v = c.inputs[i].data.map(() => rng.next() * 2 - 1);
      const grad = base[`grad_${i}`].data as Float32Array | Float64Array;
      analytic.push(v.reduce((s, vk, k) => s + vk * grad[k], 0));
      scale.push(v.reduce((s, vk, k) => s + Math.abs(vk * grad[k]), 0));
      const plus = await session.run(feeds({ input: i, v, eps }), ['loss']);
      const minus = await session.run(feeds({ input: i, v, eps: -eps }), ['loss']);
      numeric.push((Number(plus.loss.data[0]) - Number(minus.loss.data[0])) / (2 * eps));
    }
    const ulp = c.dtype === 'float64' ? 2 ** -52 : 2 ** -23;
    const rounding = (8 * ulp * Number(base.loss_abs.data[0])) / eps;
    return { analytic, numeric, scale, rounding };
  } finally {
    await session.release();
  }
}

/** Asserts every input's directional derivative within `rtol` of the scale (plus `atol`). */
export function expectGradientsClose(r: GradientCheckResult, rtol: number, atol = 1e-12): void {
  r.analytic.forEach((a, i) => {
    const diff = Math.abs(a - r.numeric[i]);
    const bound = rtol * Math.max(r.scale[i], Math.abs(r.numeric[i])) + r.rounding + atol;
    if (!(diff <= bound)) {
      throw new Error(`input ${i}: analytic ${a} vs central difference ${r.numeric[i]} (|diff| ${diff} > ${bound})`);
    }
  });
}
