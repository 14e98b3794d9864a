import type { OnnxGraphBuilder } from '../onnx';
import { attrNumber, initializerDims, product } from './graph-values';
import { inferShapes, type ShapeMap } from './shape-inference';

/** Floating-point operations of one run of a graph, by kind. */
export interface FlopCount {
  /** Multiply-adds of Conv, ConvTranspose, MatMul and Gemm, counted as 2 FLOP each. */
  readonly linear: number;
  /** One FLOP per output element of every other float op (element-wise, reductions, data movement excluded). */
  readonly elementwise: number;
  readonly total: number;
}

const MOVEMENT = new Set(['Reshape', 'Flatten', 'Squeeze', 'Unsqueeze', 'Transpose', 'Slice', 'Concat', 'Split', 'Gather', 'Pad', 'Expand', 'Identity', 'Shape', 'Cast']);

/**
 * Counts the FLOPs of one run of the builder's graph from its static shapes (symbolic input dims
 * resolved by `dims`): 2 per multiply-add of the linear ops, 1 per output element of the others.
 */
export function countFlops(g: OnnxGraphBuilder, dims: Readonly<Record<string, number>> = {}, shapes: ShapeMap = inferShapes(g, dims)): FlopCount {
  let linear = 0;
  let elementwise = 0;
  const shape = (name: string) => shapes.get(name) ?? initializerDims(g, name) ?? [];
  for (const n of g.graphNodes()) {
    const op = n.opType ?? '';
    const ins = n.input ?? [];
    const out = shape(n.output?.[0] ?? '');
    switch (op) {
      case 'Conv': {
        const w = shape(ins[1]);
        linear += 2 * product(out) * product(w.slice(1));
        break;
      }
      case 'ConvTranspose': {
        const w = shape(ins[1]);
        linear += 2 * product(shape(ins[0])) * product(w.slice(1));
        break;
      }
      case 'MatMul': {
        const a = shape(ins[0]);
        linear += 2 * product(out) * a[a.length - 1];
        break;
      }
      case 'Gemm': {
        const a = shape(ins[0]);
        linear += 2 * product(out) * (attrNumber(n, 'transA', 0) ? a[0] : a[1]);
        break;
      }
      default:
        if (!MOVEMENT.has(op)) elementwise += product(out);
    }
  }
  return { linear, elementwise, total: linear + elementwise };
}
