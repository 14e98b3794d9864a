import type { OnnxGraphBuilder } from '../onnx';
import { GradientContext, type FloatType } from './gradient-context';
import { describeNode, isFloatInitializer, type GraphNode } from './graph-values';
import { GRADIENT_RULES, NON_DIFFERENTIABLE_OPS } from './rules';
import { inferShapes, type ShapeMap } from './shape-inference';

export interface GradientOptions {
  /** The scalar loss value (a value name of the graph). */
  readonly loss: string;
  /** The values to differentiate with respect to (parameters: initializers or graph inputs). */
  readonly wrt: readonly string[];
  /** The model's name, for error messages ("... in model csflow"). */
  readonly model: string;
  /** float32 (default) or float64 (gradient checks). */
  readonly dtype?: FloatType;
  /** Sizes of symbolic input dims (training graphs have static shapes). */
  readonly dims?: Readonly<Record<string, number>>;
}

export interface GradientGraph {
  /** Gradient value name per entry of `wrt`, in order. */
  readonly gradients: readonly string[];
  /** Static shapes of the forward values. */
  readonly shapes: ShapeMap;
}

/** Thrown at graph build time when an op on the path from a parameter to the loss has no rule. */
export class MissingGradientRuleError extends Error {
  constructor(
    readonly opType: string,
    readonly nodeName: string,
    readonly model: string,
  ) {
    super(`no gradient rule for op "${opType}" (node "${nodeName}") in model "${model}": the training graph cannot be built`);
    this.name = 'MissingGradientRuleError';
  }
}

/**
 * Appends the reverse-mode gradient of `loss` with respect to `wrt` to the builder's graph, as
 * ONNX ops. Only nodes on a path from a parameter to the loss are differentiated; every one of them
 * must have a rule (checked before anything is emitted, so a missing rule fails here, naming the op,
 * the node and the model, never at run time). Gradient contributions to one value are summed.
 */
export function appendGradients(g: OnnxGraphBuilder, options: GradientOptions): GradientGraph {
  const dtype = options.dtype ?? 'float32';
  const nodes = [...g.graphNodes()];
  const shapes = inferShapes(g, options.dims);
  const lossShape = shapes.get(options.loss);
  if (!lossShape) throw new Error(`appendGradients: loss "${options.loss}" is not a value of model "${options.model}"`);
  if (lossShape.reduce((a, b) => a * b, 1) !== 1) throw new Error(`appendGradients: loss of model "${options.model}" must be a scalar, has shape [${lossShape.join(', ')}]`);

  const isFloat = (name: string): boolean => {
    if (g.initializerProto(name)) return isFloatInitializer(g, name);
    const info = g.inputInfo(name);
    return !info || info.type === 'float32' || info.type === 'float64';
  };
  const active = new Set(options.wrt);
  for (const n of nodes) {
    if (NON_DIFFERENTIABLE_OPS.has(n.opType ?? '')) continue;
    if ((n.input ?? []).some((i) => active.has(i))) for (const o of n.output ?? []) active.add(o);
  }
  const needed = new Set([options.loss]);
  const relevant: GraphNode[] = [];
  for (let k = nodes.length - 1; k >= 0; k--) {
    const n = nodes[k];
    if (!(n.output ?? []).some((o) => needed.has(o) && active.has(o))) continue;
    relevant.push(n);
    for (const i of n.input ?? []) if (i && active.has(i) && isFloat(i)) needed.add(i);
  }
  for (const n of relevant) {
    if (!GRADIENT_RULES[n.opType ?? '']) throw new MissingGradientRuleError(n.opType ?? '?', n.name ?? n.output?.[0] ?? '?', options.model);
  }
  for (const p of options.wrt) {
    if (!needed.has(p)) throw new Error(`appendGradients: parameter "${p}" does not affect the loss of model "${options.model}"`);
  }

  const ctx = new GradientContext(g, shapes, dtype);
  const contributions = new Map<string, string[]>();
  const add = (name: string, grad: string) => contributions.set(name, [...(contributions.get(name) ?? []), grad]);
  const total = (name: string): string | undefined => {
    const parts = contributions.get(name);
    if (!parts || parts.length === 0) return undefined;
    if (parts.length === 1) return parts[0];
    const sum = g.op('Sum', parts);
    contributions.set(name, [sum]);
    return sum;
  };
  add(options.loss, ctx.constant(1, lossShape));
  for (const n of relevant) {
    const dOut = (n.output ?? []).map(total);
    const needs = (n.input ?? []).map((i) => !!i && needed.has(i));
    let dIn: (string | undefined)[];
    try {
      dIn = GRADIENT_RULES[n.opType ?? ''](ctx, n, dOut, needs);
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      throw new Error(`model "${options.model}", ${describeNode(n)}: ${message}`);
    }
    (n.input ?? []).forEach((i, k) => {
      const d = dIn[k];
      if (d && needs[k]) add(i, d);
    });
  }
  const gradients = options.wrt.map((p) => {
    const d = total(p);
    if (!d) throw new Error(`appendGradients: no gradient reached "${p}" in model "${options.model}"`);
    return d;
  });
  return { gradients, shapes };
}
