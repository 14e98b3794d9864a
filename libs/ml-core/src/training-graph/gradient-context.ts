import type { OnnxGraphBuilder } from '../onnx';
import { initializerDims, type GraphNode } from './graph-values';
import type { ShapeMap } from './shape-inference';

/** Float element type of a training graph: float32 in production, float64 in the gradient checks. */
export type FloatType = 'float32' | 'float64';

/**
 * What a gradient rule sees: the builder to emit backward ops into, the static shapes of the forward
 * values and helpers that create constants of the graph's float type.
 */
export class GradientContext {
  constructor(
    readonly g: OnnxGraphBuilder,
    readonly shapes: ShapeMap,
    readonly dtype: FloatType,
  ) {}

  shape(name: string): number[] {
    const s = this.shapes.get(name) ?? initializerDims(this.g, name);
    if (!s) throw new Error(`training graph: no static shape for "${name}"`);
    return s;
  }

  /** A scalar (or given-shape) float constant of the graph's type. */
  constant(values: number | readonly number[], dims?: readonly number[]): string {
    return this.g.constOfType(this.dtype, values, dims);
  }

  /** A tensor of zeros of the given shape. */
  zeros(dims: readonly number[]): string {
    return this.g.op('Expand', [this.constant(0), this.g.constInt64(dims)]);
  }

  scale(x: string, factor: number): string {
    return factor === 1 ? x : this.g.mul(x, this.constant(factor));
  }

  /**
   * Reduces a gradient of shape `from` (the broadcast result) to `to` (the operand's shape): sums
   * over the leading axes the operand lacks and over the axes where it has size 1.
   */
  sumToShape(grad: string, from: readonly number[], to: readonly number[]): string {
    if (from.length === to.length && from.every((d, i) => d === to[i])) return grad;
    const padded = [...new Array(from.length - to.length).fill(1), ...to];
    const axes = from.map((d, i) => (padded[i] === 1 && d !== 1 ? i : -1)).filter((i) => i >= 0);
    let r = axes.length > 0 ? this.g.reduceSum(grad, axes, true) : grad;
    if (padded.length !== to.length || axes.length === 0) r = this.g.reshape(r, to.length === 0 ? [] : [...to]);
    return r;
  }
}

/**
 * A reverse-mode rule: given the node, the gradients of its outputs (undefined where no gradient
 * flows) and which inputs need one, emits the backward ops and returns one gradient per input
 * (undefined for inputs that need none or are not differentiable).
 */
export type GradientRule = (ctx: GradientContext, node: GraphNode, dOutputs: readonly (string | undefined)[], needs: readonly boolean[]) => (string | undefined)[];
