import { SeededRandom } from '../random/seeded-random';
import { OnnxGraphBuilder } from './graph-builder';
import { addNearestNeighbours, addPointSet } from './nearest-neighbours-graph';
import { runSession } from './session';

describe('addNearestNeighbours', () => {
  it.each([false, true])('matches sorting all distances (squared=%s)', async (squared) => {
    const rng = new SeededRandom(3);
    const dim = 6;
    const points = rng.normalArray(40 * dim);
    const queries = rng.normalArray(7 * dim);
    const g = new OnnxGraphBuilder();
    const q = g.input('q', ['n', dim]);
    const { distances, indices } = addNearestNeighbours(g, q, addPointSet(g, 'pts', points, 40, dim), 4, squared);
    g.output(distances, 'd');
    g.output(indices, 'i', undefined, 'int64');
    const out = await runSession(g.toBytes(), { q: { data: queries, dims: [7, dim] } });
    for (let r = 0; r < 7; r++) {
      const all = Array.from({ length: 40 }, (_, p) => {
        let s = 0;
        for (let j = 0; j < dim; j++) s += (queries[r * dim + j] - points[p * dim + j]) ** 2;
        return [squared ? s : Math.sqrt(s), p];
      }).sort((a, b) => a[0] - b[0]);
      for (let t = 0; t < 4; t++) {
        expect(out.i.data[r * 4 + t]).toBe(all[t][1]);
        expect(out.d.data[r * 4 + t]).toBeCloseTo(all[t][0], 5);
      }
    }
  });
});
