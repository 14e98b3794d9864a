import { pixelAurocExact } from './pixel-auroc';
import { figuresFromScores as figures, type SplitScores } from './figures-from-scores';
import { operatingPointSpecs, type OperatingPointTargets } from './operating-point-specs';

/** The default report points (plus targets), as the trainer fits them. */
const figuresFromScores = (v: SplitScores, t: SplitScores, o: { targets?: OperatingPointTargets } = {}) => {
  const f = figures(v, t, { points: operatingPointSpecs(o.targets) });
  const operatingPoints = f.points.map((p) => ({
    name: p.name,
    oracle: p.oracle,
    fitSplit: p.fitSplit,
    threshold: p.point.threshold,
    missRate: p.point.applied.missRate,
    overkillRate: p.point.applied.overkillRate,
    counts: { tp: p.point.applied.tp, fp: p.point.applied.fp, tn: p.point.applied.tn, fn: p.point.applied.fn, good: p.point.applied.nGood, defective: p.point.applied.nDefective },
  }));
  return { ...f, operatingPoints, omittedOperatingPoints: f.omitted };
};

// validation: goods 1..5, defects 4.5 and 8 -> miss=0 threshold = 4.5 (flags the goods at 5)
const validation = { scores: [1, 2, 3, 4, 5, 4.5, 8], labels: [0, 0, 0, 0, 0, 1, 1] };
const test = { scores: [0.5, 1.5, 6, 4.6, 9, 3], labels: [0, 0, 0, 1, 1, 1] };

describe('figuresFromScores', () => {
  it('fits on validation, reports on test, and puts the oracle point last', () => {
    const f = figuresFromScores(validation, test);
    const miss0 = f.operatingPoints.find((p) => p.name === 'miss=0');
    expect(miss0?.threshold).toBe(4.5);
    // test at 4.5: goods 0.5 1.5 pass, 6 flagged; defects 4.6 9 caught, 3 missed
    expect(miss0?.counts).toEqual({ tp: 2, fp: 1, tn: 2, fn: 1, good: 3, defective: 3 });
    expect(f.operatingPoints[f.operatingPoints.length - 1]).toMatchObject({ name: 'oracle:f1-max', oracle: true, fitSplit: 'test' });
    expect(f.omittedOperatingPoints).toEqual([]);
    // AUROC over the 9 (good, defective) test pairs: defect 3 beats 2 goods, 4.6 beats 2, 9 beats 3 -> 7/9
    expect(f.imageAuroc).toBeCloseTo(7 / 9, 12);
  });

  it('recomputes from stored scores when a label changes (re-evaluation without the model)', () => {
    const before = figuresFromScores(validation, test);
    const relabeled = { scores: test.scores, labels: [0, 0, 1, 1, 1, 1] }; // the good at 6 was a defect
    const after = figuresFromScores(validation, relabeled);
    const b = before.operatingPoints.find((p) => p.name === 'miss=0');
    const a = after.operatingPoints.find((p) => p.name === 'miss=0');
    expect(a?.threshold).toBe(b?.threshold);
    expect(a?.counts).toEqual({ tp: 3, fp: 0, tn: 2, fn: 1, good: 2, defective: 4 });
    expect(a?.overkillRate).toBe(0);
    expect(a?.missRate).toBe(0.25);
  });

  it('omits defect-dependent points when validation has no defective image', () => {
    const f = figuresFromScores({ scores: [1, 2, 3], labels: [0, 0, 0] }, test, { targets: { maxOverkillRates: [0.1] } });
    expect(f.omittedOperatingPoints.map((p) => p.name)).toEqual(['miss<=0.5%', 'miss=0', 'f1-max', 'overkill<=10%']);
    expect(f.validationImageAuroc).toBeNull();
    expect(f.operatingPoints.map((p) => p.name)).toEqual(['oracle:f1-max']);
  });

  it('omits every point on an empty test split, and gives each point its own interval method when asked', () => {
    const empty = figures(validation, { scores: [], labels: [] }, { points: operatingPointSpecs() });
    expect(empty.points).toEqual([]);
    expect(empty.omitted.every((o) => o.reason === 'the test split is empty')).toBe(true);
    expect(empty.imageAuroc).toBeNull();
    const [wilson, cp] = figures(validation, test, {
      points: [
        { name: 'w', spec: { kind: 'max-f1' }, oracle: false, intervals: { method: 'wilson', confidence: 0.9 } },
        { name: 'cp', spec: { kind: 'max-f1' }, oracle: false },
      ],
    }).points;
    expect(wilson.intervals.missRate).toMatchObject({ method: 'wilson', confidence: 0.9 });
    expect(cp.intervals.missRate).toMatchObject({ method: 'clopper-pearson', confidence: 0.95 });
  });

  it('adds pixel AUROC and PRO when maps and masks are given, and none otherwise', () => {
    const map = Float32Array.from([0.1, 0.9, 0.2, 0.3]);
    const mask = Uint8Array.from([0, 1, 0, 0]);
    const f = figures(validation, test, { points: [], pixels: [{ map, mask, width: 2, height: 2 }] });
    expect(f.pixel?.pixelAuroc).toBe(pixelAurocExact([map], [mask]));
    expect(f.pixel?.pro).not.toBeNull();
    expect(figures(validation, test, { points: [] }).pixel).toBeNull();
  });
});
