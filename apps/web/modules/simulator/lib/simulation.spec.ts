import { confusionAtThreshold } from '@defectlab/metrics';
import type { TPredictionRow } from '@defectlab/contracts';
import { buildSimulation, figuresAt, filterRows, flipsBetween, stepThreshold } from './simulation';

function rows(n: number, seed = 1): TPredictionRow[] {
  let s = seed;
  const rand = () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  return Array.from({ length: n }, (_, i) => {
    const defective = rand() < 0.3;
    // a few exact ties on purpose
    const score = Math.round((defective ? 0.6 + rand() * 0.5 : rand() * 0.8) * 200) / 200;
    return {
      imageId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      imageSha256: '0'.repeat(64),
      relPath: `test/${defective ? 'scratch' : 'good'}/${i}.png`,
      split: 'test',
      score,
      label: defective ? 'defective' : 'good',
      defectType: defective ? (i % 2 ? 'scratch' : 'spot') : null,
      anomalyMapArtifactId: null,
    };
  });
}

describe('simulation', () => {
  const data = rows(5000);
  const sim = buildSimulation(data);
  const scores = data.map((r) => r.score);
  const labels = data.map((r) => (r.label === 'defective' ? 1 : 0));

  it('gives libs/metrics confusionAtThreshold figures at any threshold, ties and infinities included', () => {
    for (const t of [-Infinity, 0, 0.1234, 0.5, 0.6, 0.605, 0.8, 1.1, 2, Infinity, ...Array.from(sim.steps.slice(0, 50))]) {
      const want = confusionAtThreshold(scores, labels, t);
      const got = figuresAt(sim, t);
      expect([got.tp, got.fp, got.tn, got.fn, got.missRate, got.overkillRate, got.accuracy]).toEqual([
        want.tp,
        want.fp,
        want.tn,
        want.fn,
        want.missRate,
        want.overkillRate,
        want.accuracy,
      ]);
    }
  });

  it('lists exactly the images whose verdict flips between two thresholds', () => {
    const a = 0.55;
    const b = 0.71;
    const flips = new Set(flipsBetween(sim, a, b).map((r) => r.imageId));
    const want = data.filter((r) => r.score >= a !== r.score >= b).map((r) => r.imageId);
    expect(flips.size).toBe(want.length);
    for (const id of want) expect(flips.has(id)).toBe(true);
    expect(flipsBetween(sim, b, a).length).toBe(want.length);
    expect(flipsBetween(sim, a, a)).toEqual([]);
  });

  it('steps through achievable thresholds (distinct scores, then +Infinity)', () => {
    const s = sim.steps;
    expect(stepThreshold(sim, s[3], 1)).toBe(s[4]);
    expect(stepThreshold(sim, s[3], -1)).toBe(s[2]);
    expect(stepThreshold(sim, (s[3] + s[4]) / 2, 1)).toBe(s[4]);
    expect(stepThreshold(sim, (s[3] + s[4]) / 2, -1)).toBe(s[3]);
    expect(stepThreshold(sim, s[s.length - 1], 1)).toBe(Infinity);
    expect(stepThreshold(sim, Infinity, -1)).toBe(s[s.length - 1]);
    expect(stepThreshold(sim, s[0], -1)).toBe(s[0]);
    expect(stepThreshold(sim, s[0], 1, 10)).toBe(s[10]);
  });

  it('filters false negatives and false positives at the threshold, and by defect type', () => {
    const t = 0.7;
    const m = figuresAt(sim, t);
    expect(filterRows(sim, 'fn', t).length).toBe(m.fn);
    expect(filterRows(sim, 'fp', t).length).toBe(m.fp);
    expect(filterRows(sim, 'wrong', t).length).toBe(m.fn + m.fp);
    expect(filterRows(sim, 'type:spot', t).every((r) => r.defectType === 'spot')).toBe(true);
    expect(filterRows(sim, 'type:good', t).length).toBe(m.nGood);
    expect(sim.defectTypes).toEqual(['scratch', 'spot']);
  });

  it('refuses a non-finite score, naming the image, instead of dropping it from the figures', () => {
    for (const score of [NaN, Infinity, -Infinity]) {
      const bad = rows(5).map((r, i) => (i === 3 ? { ...r, score } : r));
      expect(() => buildSimulation(bad)).toThrow(new RegExp(`image test/\\w+/3.png \\(${bad[3].imageId}\\) has score ${score}`));
    }
  });

  it('constant scores (one value for every image) still put every image in the histogram', () => {
    const same = rows(7).map((r) => ({ ...r, score: 0.42 }));
    const h = buildSimulation(same).histogram;
    expect(h.goodCounts[0] + h.defectiveCounts[0]).toBe(7);
    expect(h.edges[h.edges.length - 1]).toBeGreaterThan(h.edges[0]);
  });

  it('histogram counts cover every prediction', () => {
    const total = sim.histogram.goodCounts.reduce((a, b) => a + b, 0) + sim.histogram.defectiveCounts.reduce((a, b) => a + b, 0);
    expect(total).toBe(5000);
  });
});
