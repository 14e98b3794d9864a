import { attrNumber, constantValues } from '../graph-values';
import type { GradientContext, GradientRule } from '../gradient-context';

/** Gradient rules of the element-wise ops (binary ones reduce over broadcast axes). */

const binary =
  (f: (ctx: GradientContext, dy: string, a: string, b: string, y: string, which: 0 | 1) => string): GradientRule =>
  (ctx, node, [dy], needs) => {
    const [a, b] = node.input ?? [];
    const y = node.output?.[0] ?? '';
    if (!dy) return [undefined, undefined];
    const out = ctx.shape(y);
    return [a, b].map((operand, i) => (needs[i] ? ctx.sumToShape(f(ctx, dy, a, b, y, i as 0 | 1), out, ctx.shape(operand)) : undefined));
  };

const unary =
  (f: (ctx: GradientContext, dy: string, x: string, y: string, node: Parameters<GradientRule>[1]) => string): GradientRule =>
  (ctx, node, [dy], needs) => (dy && needs[0] ? [f(ctx, dy, node.input?.[0] ?? '', node.output?.[0] ?? '', node)] : [undefined]);

const isPositive = (ctx: GradientContext, x: string) => ctx.g.op('Greater', [x, ctx.constant(0)]);

export const elementwiseRules: Record<string, GradientRule> = {
  Add: binary((_ctx, dy) => dy),
  Sub: binary((ctx, dy, _a, _b, _y, i) => (i === 0 ? dy : ctx.g.neg(dy))),
  Mul: binary((ctx, dy, a, b, _y, i) => ctx.g.mul(dy, i === 0 ? b : a)),
  // y = a / b: da = dy / b, db = -dy * y / b
  Div: binary((ctx, dy, _a, b, y, i) => (i === 0 ? ctx.g.div(dy, b) : ctx.g.neg(ctx.g.div(ctx.g.mul(dy, y), b)))),
  // y = a ^ p: da = dy * p * a^(p-1), dp = dy * y * log(a)
  Pow: binary((ctx, dy, a, p, y, i) => {
    if (i === 1) return ctx.g.mul(ctx.g.mul(dy, y), ctx.g.log(a));
    const pc = constantValues(ctx.g, p);
    if (pc && pc.length === 1) {
      const e = pc[0];
      const deriv = e === 2 ? ctx.scale(a, 2) : e === 1 ? ctx.constant(1) : ctx.scale(ctx.g.pow(a, ctx.constant(e - 1)), e);
      return ctx.g.mul(dy, deriv);
    }
    return ctx.g.mul(dy, ctx.g.mul(p, ctx.g.pow(a, ctx.g.sub(p, ctx.constant(1)))));
  }),
  Sum: (ctx, node, [dy], needs) => {
    const y = node.output?.[0] ?? '';
    return (node.input ?? []).map((x, i) => (dy && needs[i] ? ctx.sumToShape(dy, ctx.shape(y), ctx.shape(x)) : undefined));
  },
  Where: (ctx, node, [dy], needs) => {
    const [cond, a, b] = node.input ?? [];
    const y = node.output?.[0] ?? '';
    if (!dy) return [undefined, undefined, undefined];
    const zero = ctx.constant(0);
    const da = needs[1] ? ctx.sumToShape(ctx.g.op('Where', [cond, dy, zero]), ctx.shape(y), ctx.shape(a)) : undefined;
    const db = needs[2] ? ctx.sumToShape(ctx.g.op('Where', [cond, zero, dy]), ctx.shape(y), ctx.shape(b)) : undefined;
    return [undefined, da, db];
  },
  Identity: unary((_ctx, dy) => dy),
  Neg: unary((ctx, dy) => ctx.g.neg(dy)),
  Exp: unary((ctx, dy, _x, y) => ctx.g.mul(dy, y)),
  Log: unary((ctx, dy, x) => ctx.g.div(dy, x)),
  Sqrt: unary((ctx, dy, _x, y) => ctx.g.div(ctx.scale(dy, 0.5), y)),
  Reciprocal: unary((ctx, dy, _x, y) => ctx.g.neg(ctx.g.mul(dy, ctx.g.mul(y, y)))),
  Tanh: unary((ctx, dy, _x, y) => ctx.g.mul(dy, ctx.g.sub(ctx.constant(1), ctx.g.mul(y, y)))),
  Sigmoid: unary((ctx, dy, _x, y) => ctx.g.mul(dy, ctx.g.mul(y, ctx.g.sub(ctx.constant(1), y)))),
  // d atan(x) = 1 / (1 + x^2)
  Atan: unary((ctx, dy, x) => ctx.g.div(dy, ctx.g.add(ctx.constant(1), ctx.g.mul(x, x)))),
  Abs: unary((ctx, dy, x) => ctx.g.mul(dy, ctx.g.op('Sign', [x]))),
  // the subgradient 0 at x = 0, as PyTorch and tfjs
  Relu: unary((ctx, dy, x) => ctx.g.op('Where', [isPositive(ctx, x), dy, ctx.constant(0)])),
  LeakyRelu: unary((ctx, dy, x, _y, node) => ctx.g.op('Where', [isPositive(ctx, x), dy, ctx.scale(dy, attrNumber(node, 'alpha', 0.01))])),
  // gradient passes where min <= x <= max
  Clip: (ctx, node, [dy], needs) => {
    const [x, lo, hi] = node.input ?? [];
    if (!dy || !needs[0]) return [undefined];
    const conds = [lo ? ctx.g.op('GreaterOrEqual', [x, lo]) : '', hi ? ctx.g.op('LessOrEqual', [x, hi]) : ''].filter(Boolean);
    if (conds.length === 0) return [dy];
    const pass = conds.length === 2 ? ctx.g.op('And', conds) : conds[0];
    return [ctx.g.op('Where', [pass, dy, ctx.constant(0)])];
  },
};
