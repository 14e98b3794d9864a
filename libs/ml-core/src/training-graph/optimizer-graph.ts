import { attr, type OnnxGraphBuilder } from '../onnx';

/**
 * The optimizer update, emitted into the training graph after the gradients.
 *
 * - `adam`: torch.optim.Adam (L2 weight decay added to the gradient, eps outside the square root of
 *   the bias-corrected second moment), as CS-Flow's reference code trains;
 * - `adamw`: torch.optim.AdamW (decoupled weight decay `p *= 1 - lr * wd`), optionally AMSGrad, as CFA.
 * Both are preceded by global gradient-norm clipping when `gradClipNorm > 0`
 * (`torch.nn.utils.clip_grad_norm_`: g *= clip / (norm + 1e-6) when norm > clip).
 */
export interface OptimizerSettings {
  readonly kind: 'adam' | 'adamw';
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;
  /** 0 disables clipping. */
  readonly gradClipNorm: number;
  /** AdamW only: keep the running maximum of the second moment (AMSGrad). */
  readonly amsgrad?: boolean;
}

/** Names of the state tensors kept per parameter (graph inputs; the updated values are outputs). */
export function optimizerStateNames(param: string, s: OptimizerSettings): string[] {
  const names = [`${param}::m`, `${param}::v`];
  if (s.kind === 'adamw' && s.amsgrad) names.push(`${param}::vmax`);
  return names;
}

/** The output name of the updated value of `input` (a parameter or a state tensor). */
export function updatedName(input: string): string {
  return `${input}::next`;
}

/** Graph inputs of every update: the learning rate and the 1-based step number (float32 scalars). */
export const LEARNING_RATE_INPUT = 'optimizer::lr';
export const STEP_INPUT = 'optimizer::step';
/** Output: the global gradient norm before clipping. */
export const GRAD_NORM_OUTPUT = 'optimizer::grad_norm';

/**
 * Appends the optimizer step for `params` (graph inputs) with gradients `grads`: declares the state
 * inputs (`optimizerStateNames`), the learning-rate and step inputs, and outputs the new parameter
 * and state values under `updatedName(...)` plus the gradient norm.
 */
export function appendOptimizer(g: OnnxGraphBuilder, params: readonly { name: string; dims: readonly number[] }[], grads: readonly string[], s: OptimizerSettings): void {
  const lr = g.input(LEARNING_RATE_INPUT, []);
  const step = g.input(STEP_INPUT, []);
  const c = (v: number) => g.constFloat(v, []);
  // the last op of each update writes the graph output itself: g.output of another name would add an
  // Identity node, i.e. one more copy of every parameter and state tensor per step
  const updated = (opType: string, inputs: string[], input: string, dims: readonly number[]): string => {
    const [value] = g.node(opType, inputs, {}, { outputNames: [updatedName(input)] });
    return g.output(value, value, dims);
  };
  const sumSquares = grads.map((d) => g.op('ReduceSumSquare', [d], { keepdims: attr.int(0) }));
  const norm = g.sqrt(sumSquares.length === 1 ? sumSquares[0] : g.op('Sum', sumSquares));
  g.output(norm, GRAD_NORM_OUTPUT, []);
  let clipScale: string | undefined;
  if (s.gradClipNorm > 0) {
    const ratio = g.div(c(s.gradClipNorm), g.add(norm, c(1e-6)));
    clipScale = g.op('Where', [g.op('Greater', [norm, c(s.gradClipNorm)]), ratio, c(1)]);
  }
  // bias corrections 1 - beta^t, computed in the graph from the step input
  const bc1 = g.sub(c(1), g.pow(c(s.beta1), step));
  const bc2 = g.sub(c(1), g.pow(c(s.beta2), step));
  const stepSize = g.div(lr, bc1);
  const sqrtBc2 = g.sqrt(bc2);
  params.forEach((p, k) => {
    const [mName, vName, vmaxName] = optimizerStateNames(p.name, s);
    const m = g.input(mName, p.dims);
    const v = g.input(vName, p.dims);
    let grad = clipScale ? g.mul(grads[k], clipScale) : grads[k];
    if (s.kind === 'adam' && s.weightDecay !== 0) grad = g.add(grad, g.mul(p.name, c(s.weightDecay)));
    const mNext = updated('Add', [g.mul(m, c(s.beta1)), g.mul(grad, c(1 - s.beta1))], mName, p.dims);
    const vNext = updated('Add', [g.mul(v, c(s.beta2)), g.mul(g.mul(grad, grad), c(1 - s.beta2))], vName, p.dims);
    const vmax = vmaxName ? updated('Max', [g.input(vmaxName, p.dims), vNext], vmaxName, p.dims) : undefined;
    const denom = g.add(g.div(g.sqrt(vmax ?? vNext), sqrtBc2), c(s.eps));
    const base = s.kind === 'adamw' && s.weightDecay !== 0 ? g.mul(p.name, g.sub(c(1), g.mul(lr, c(s.weightDecay)))) : p.name;
    updated('Sub', [base, g.mul(stepSize, g.div(mNext, denom))], p.name, p.dims);
  });
}
