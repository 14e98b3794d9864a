import { figuresFromScores } from './figures-from-scores';

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
});
