import { confusionAtThreshold } from '@defectlab/metrics';
import type { TPredictionRow } from '@defectlab/contracts';
import { curvesOf } from './curves';

const row = (i: number, score: number, defective: boolean): TPredictionRow => ({
  imageId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
  imageSha256: '0'.repeat(64),
  relPath: `${i}.png`,
  split: 'test',
  score,
  label: defective ? 'defective' : 'good',
  defectType: defective ? 'x' : null,
  anomalyMapArtifactId: null,
});

describe('curvesOf', () => {
  const rows = [row(1, 0.1, false), row(2, 0.3, false), row(3, 0.35, true), row(4, 0.6, false), row(5, 0.8, true), row(6, 0.8, false)];

  it('runs from (0, 1) (flag nothing) to (1, 0) (flag everything), each point a libs/metrics confusion', () => {
    const c = curvesOf(rows);
    expect(c).not.toBeNull();
    const pts = c?.missVsOverkill ?? [];
    expect(pts[0]).toEqual([0, 1]);
    expect(pts[pts.length - 1]).toEqual([1, 0]);
    const m = confusionAtThreshold(rows.map((r) => r.score), rows.map((r) => (r.label === 'defective' ? 1 : 0)), 0.35);
    expect(pts).toContainEqual([m.overkillRate, m.missRate]);
    expect(c?.roc[c.roc.length - 1]).toEqual([1, 1]);
  });

  it('is null without both classes', () => {
    expect(curvesOf([row(1, 0.1, false)])).toBeNull();
  });
});
