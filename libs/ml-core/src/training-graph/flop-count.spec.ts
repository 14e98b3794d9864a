import { OnnxGraphBuilder } from '../onnx';
import { countFlops } from './flop-count';
import { buildTrainingGraph } from './training-graph';

describe('countFlops', () => {
  it('counts a Conv as 2 * N * Cout * Ho * Wo * Cin * kh * kw and a MatMul as 2 * M * N * K', () => {
    const g = new OnnxGraphBuilder();
    const x = g.input('x', ['N', 4, 10, 10]);
    const w = g.initializer('w', new Float32Array(6 * 4 * 9), [6, 4, 3, 3]);
    const y = g.conv(x, w, undefined, { strides: [2, 2], pads: [1, 1, 1, 1] });
    const m = g.matMul(g.reshape(y, [-1, 5]), g.initializer('b', new Float32Array(5 * 7), [5, 7]));
    g.output(m, 'm');
    const f = countFlops(g, { N: 3 });
    expect(f.linear).toBe(2 * 3 * 6 * 5 * 5 * 4 * 9 + 2 * ((3 * 6 * 25) / 5) * 7 * 5);
  });

  it('a conv layer trained on its weights costs twice its forward in linear FLOPs (forward + weight gradient)', () => {
    const g = new OnnxGraphBuilder();
    const x = g.input('x', [2, 3, 8, 8]);
    const w = g.initializer('w', new Float32Array(5 * 3 * 9).fill(0.1), [5, 3, 3, 3]);
    const y = g.conv(x, w, undefined, { pads: [1, 1, 1, 1] });
    const loss = g.reduceMean(g.mul(y, y), [0, 1, 2, 3], false);
    const forward = 2 * 2 * 5 * 8 * 8 * 3 * 9;
    const graph = buildTrainingGraph({ model: 'one-conv', builder: g, loss, params: [w], optimizer: { kind: 'adam', beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, gradClipNorm: 0 } });
    expect(graph.flops.linear).toBe(2 * forward);
    expect(graph.flops.elementwise).toBeGreaterThan(0);
  });
});
