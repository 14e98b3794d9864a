import { OnnxGraphBuilder } from '../onnx/graph-builder';
import { runSession } from '../onnx/session';
import { randomTensor } from '../onnx/testing/naive-ops';
import { gaussianBlur } from './gaussian-blur';
import { addGaussianBlurToGraph } from './gaussian-blur-onnx';

describe('addGaussianBlurToGraph', () => {
  it.each([1, 2.5, 4])('matches the JS blur (sigma %s, reflect border) on a batch of maps', async (sigma) => {
    const x = randomTensor([2, 1, 40, 37], 5, 0, 3);
    const g = new OnnxGraphBuilder();
    g.output(addGaussianBlurToGraph(g, g.input('x', ['N', 1, 'H', 'W']), sigma), 'y');
    const { y } = await runSession(g.toBytes(), { x });
    const ref = gaussianBlur(x, sigma);
    expect(y.dims).toEqual([2, 1, 40, 37]);
    let err = 0;
    for (let i = 0; i < y.data.length; i++) err = Math.max(err, Math.abs(y.data[i] - ref.data[i]));
    expect(err).toBeLessThan(1e-5);
  });
});
