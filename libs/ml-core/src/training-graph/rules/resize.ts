import { attrNumber, attrString, constantValues, describeNode, type GraphNode } from '../graph-values';
import type { GradientRule } from '../gradient-context';

/**
 * The interpolation matrix of one axis of ONNX Resize (opset 13+ semantics as onnxruntime computes
 * them): `m[o * inSize + i]` is the weight of input index i in output index o. Linear clamps the
 * source coordinate to [0, in - 1] (onnxruntime's behaviour at the borders); nearest rounds by
 * `nearestMode`. Resize along an axis is `y = M x`, so its adjoint is `dx = M^T dy`.
 */
export function resizeAxisMatrix(
  inSize: number,
  outSize: number,
  scale: number,
  mode: 'linear' | 'nearest',
  coordinateMode: string,
  nearestMode = 'round_prefer_floor',
): Float64Array {
  const m = new Float64Array(outSize * inSize);
  for (let o = 0; o < outSize; o++) {
    let c: number;
    switch (coordinateMode) {
      case 'half_pixel':
        c = (o + 0.5) / scale - 0.5;
        break;
      case 'pytorch_half_pixel':
        c = outSize > 1 ? (o + 0.5) / scale - 0.5 : 0;
        break;
      case 'align_corners':
        c = outSize > 1 ? (o * (inSize - 1)) / (outSize - 1) : 0;
        break;
      case 'asymmetric':
        c = o / scale;
        break;
      default:
        throw new Error(`resizeAxisMatrix: coordinate_transformation_mode "${coordinateMode}" has no gradient rule`);
    }
    if (mode === 'nearest') {
      let i: number;
      switch (nearestMode) {
        case 'floor':
          i = Math.floor(c);
          break;
        case 'ceil':
          i = Math.ceil(c);
          break;
        case 'round_prefer_ceil':
          i = Math.round(c);
          break;
        default:
          i = c - Math.floor(c) === 0.5 ? Math.floor(c) : Math.round(c);
      }
      m[o * inSize + Math.min(Math.max(i, 0), inSize - 1)] = 1;
    } else {
      const x = Math.min(Math.max(c, 0), inSize - 1);
      const i0 = Math.floor(x);
      const i1 = Math.min(i0 + 1, inSize - 1);
      const w1 = x - i0;
      m[o * inSize + i0] += 1 - w1;
      m[o * inSize + i1] += w1;
    }
  }
  return m;
}

function transposed(m: Float64Array, rows: number, cols: number): number[] {
  const t = new Array<number>(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) t[c * rows + r] = m[r * cols + c];
  return t;
}

function resizeSettings(node: GraphNode): { mode: 'linear' | 'nearest'; coordinateMode: string; nearestMode: string } {
  const mode = attrString(node, 'mode', 'nearest');
  if (mode !== 'linear' && mode !== 'nearest') throw new Error(`training graph: ${describeNode(node)}: Resize mode "${mode}" has no gradient rule`);
  if (attrNumber(node, 'antialias', 0) !== 0) throw new Error(`training graph: ${describeNode(node)}: antialiased Resize has no gradient rule`);
  return { mode, coordinateMode: attrString(node, 'coordinate_transformation_mode', 'half_pixel'), nearestMode: attrString(node, 'nearest_mode', 'round_prefer_floor') };
}

/**
 * Resize of an NCHW tensor over H and W: dx = M_H^T dy M_W, two MatMuls with constant
 * interpolation matrices (exact for every coordinate mode, half-pixel centres included).
 */
const resize: GradientRule = (ctx, node, [dy], needs) => {
  const [x, , scalesName] = node.input ?? [];
  if (!dy || !needs[0]) return [undefined];
  const xs = ctx.shape(x);
  const ys = ctx.shape(node.output?.[0] ?? '');
  if (xs.length !== 4 || xs[0] !== ys[0] || xs[1] !== ys[1]) throw new Error(`training graph: ${describeNode(node)}: only spatial Resize of NCHW tensors has a gradient rule`);
  const { mode, coordinateMode, nearestMode } = resizeSettings(node);
  const given = scalesName ? constantValues(ctx.g, scalesName) : undefined;
  const scale = (axis: number) => (given && given.length === 4 ? given[axis] : ys[axis] / xs[axis]);
  const mh = resizeAxisMatrix(xs[2], ys[2], scale(2), mode, coordinateMode, nearestMode);
  const mw = resizeAxisMatrix(xs[3], ys[3], scale(3), mode, coordinateMode, nearestMode);
  const alongH = ctx.g.matMul(ctx.constant(transposed(mh, ys[2], xs[2]), [xs[2], ys[2]]), dy);
  return [ctx.g.matMul(alongH, ctx.constant(Array.from(mw), [ys[3], xs[3]]))];
};

export const resizeRules: Record<string, GradientRule> = { Resize: resize };
