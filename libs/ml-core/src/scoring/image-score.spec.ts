import fc from 'fast-check';
import { OnnxGraphBuilder } from '../onnx';
import { createSession } from '../onnx/session';
import { declareImageScore, imageScoresOf, topKCount, type ScoreMode } from './image-score';

describe('image scores from the anomaly map', () => {
  it('the exported graph computes the same mean / std / max / top-k mean as libs/metrics aggregateMap', async () => {
    const sessions = new Map<string, Awaited<ReturnType<typeof createSession>>>();
    const sessionFor = async (mode: ScoreMode, fraction: number, h: number, w: number) => {
      const key = `${mode}/${fraction}/${h}/${w}`;
      let s = sessions.get(key);
      if (!s) {
        const g = new OnnxGraphBuilder({ name: 'score' });
        const map = g.input('map', ['N', 1, h, w]);
        g.output(declareImageScore(g, map, mode, fraction, h * w), 'score', ['N']);
        s = await createSession(g.toBytes());
        sessions.set(key, s);
      }
      return s;
    };
    try {
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom<ScoreMode>('mean', 'std', 'max', 'topk'),
          fc.constantFrom(0.01, 0.1, 0.5, 1),
          fc.integer({ min: 1, max: 3 }),
          fc.integer({ min: 1, max: 5 }),
          fc.integer({ min: 1, max: 5 }),
          fc.array(fc.oneof(fc.float({ min: -1, max: 0, noNaN: true }), fc.constant(-0.5)), { minLength: 75, maxLength: 75 }),
          async (mode, fraction, n, h, w, values) => {
            const data = Float32Array.from({ length: n * h * w }, (_, i) => values[i % values.length]);
            const maps = { data, dims: [n, 1, h, w] };
            const got = (await (await sessionFor(mode, fraction, h, w)).run({ map: maps })).score.data;
            const want = imageScoresOf(maps, mode, fraction);
            for (let i = 0; i < n; i++) expect(Math.abs(got[i] - want[i])).toBeLessThanOrEqual(1e-5);
          },
        ),
      );
    } finally {
      for (const s of sessions.values()) await s.release();
    }
  });

  it('top-k takes ceil(fraction x pixels), at least one', () => {
    expect(topKCount(4096, 0.01)).toBe(41);
    expect(topKCount(10, 0.001)).toBe(1);
    expect(topKCount(10, 1)).toBe(10);
  });
});
