import fc from 'fast-check';
import { confusionAtThreshold } from './confusion';
import {
  applyOperatingPoints,
  fitAndApplyOperatingPoints,
  fitOperatingPoints,
  OperatingPointSpec,
} from './operating-points';
import { bruteCandidates, bruteCounts, BruteCounts, labelledArb } from './testing/reference';

const missOf = (c: BruteCounts) => (c.tp + c.fn === 0 ? 0 : c.fn / (c.tp + c.fn));
const overkillOf = (c: BruteCounts) => (c.fp + c.tn === 0 ? 0 : c.fp / (c.fp + c.tn));

function fitOne(scores: number[], labels: number[], spec: OperatingPointSpec) {
  return fitOperatingPoints(scores, labels, [spec])[0];
}

describe('operating points: hand-computed fixtures', () => {
  // good:      0.1 0.2 0.3 0.5 0.6
  // defective:         0.3 0.4 0.7 0.9
  const scores = [0.1, 0.2, 0.3, 0.5, 0.6, 0.3, 0.4, 0.7, 0.9];
  const labels = [0, 0, 0, 0, 0, 1, 1, 1, 1];

  it('min overkill at miss <= 0 is the lowest defective score, tied good flagged too', () => {
    const p = fitOne(scores, labels, { kind: 'min-overkill-at-miss', maxMissRate: 0 });
    expect(p.threshold).toBe(0.3);
    expect(p.fit).toMatchObject({ tp: 4, fn: 0, fp: 3, missRate: 0, overkillRate: 0.6 });
  });

  it('min overkill at miss <= 0.25 (one of four defects may escape)', () => {
    // at 0.4: fn 1 (0.3), fp 2 (0.5, 0.6); at 0.7: fn 2 -> infeasible
    const p = fitOne(scores, labels, { kind: 'min-overkill-at-miss', maxMissRate: 0.25 });
    expect(p.threshold).toBe(0.4);
    expect(p.fit).toMatchObject({ fn: 1, fp: 2 });
  });

  it('prefers the lower threshold when overkill ties (fewer misses)', () => {
    // with maxMissRate 0.5: 0.7 (fn 2, fp 0) is feasible; 0.9 (fn 3) is not. fp = 0 also at 0.7 only.
    const p = fitOne(scores, labels, { kind: 'min-overkill-at-miss', maxMissRate: 0.5 });
    expect(p.threshold).toBe(0.7);
    // same FP at 0.9 and 0.7 (both 0): with maxMissRate 1, +Infinity, 0.9 and 0.7 all have FP 0; 0.7 misses least
    expect(fitOne(scores, labels, { kind: 'min-overkill-at-miss', maxMissRate: 1 }).threshold).toBe(0.7);
  });

  it('min miss at overkill <= 0.2 (one of five goods may be flagged)', () => {
    // at 0.6: fp 1, fn 2 (0.3, 0.4); at 0.5: fp 2 -> infeasible. 0.7 has fn 2 as well but 0.6 ... compare
    // 0.7: fp 0, fn 2; 0.6: fp 1, fn 2 -> same misses, fewer false alarms wins: 0.7
    const p = fitOne(scores, labels, { kind: 'min-miss-at-overkill', maxOverkillRate: 0.2 });
    expect(p.threshold).toBe(0.7);
    expect(p.fit).toMatchObject({ fn: 2, fp: 0 });
  });

  it('min miss at overkill <= 0 and <= 1', () => {
    expect(fitOne(scores, labels, { kind: 'min-miss-at-overkill', maxOverkillRate: 0 }).threshold).toBe(0.7);
    const all = fitOne(scores, labels, { kind: 'min-miss-at-overkill', maxOverkillRate: 1 });
    expect(all.threshold).toBe(0.3); // fn 0 first reached at 0.3; 0.2/0.1 add only false alarms
    expect(all.fit).toMatchObject({ fn: 0, fp: 3 });
  });

  it('max F1', () => {
    // F1 per threshold: 0.9: 2/5=.4, 0.7: 4/6=.667, 0.6: 4/7, 0.5: 4/8, 0.4: 6/9=.667, 0.3: 8/11, 0.2: 8/12, 0.1: 8/13
    // 0.3 wins (8/11 = 0.727)
    const p = fitOne(scores, labels, { kind: 'max-f1' });
    expect(p.threshold).toBe(0.3);
    expect(p.fit.f1).toBeCloseTo(8 / 11, 15);
  });

  it('max F1 tie goes to fewer errors', () => {
    // thresholds: 0.9 -> tp1 fp0 fn1: F1 2/3, errors 1; 0.5 -> tp2 fp2 fn0: F1 4/6 = 2/3, errors 2
    const p = fitOne([0.9, 0.5, 0.5, 0.5], [1, 1, 0, 0], { kind: 'max-f1' });
    expect(p.threshold).toBe(0.9);
  });

  it('fixed threshold reports its own value', () => {
    const p = fitOne(scores, labels, { kind: 'fixed', threshold: 0.45 });
    expect(p.threshold).toBe(0.45);
    expect(p.fit).toEqual(confusionAtThreshold(scores, labels, 0.45));
  });

  it('applies the fitted thresholds unchanged to another set', () => {
    const test = { predScores: [0.25, 0.35, 0.8, 0.29], gtLabels: [0, 1, 1, 1] };
    const [a, b] = fitAndApplyOperatingPoints({ predScores: scores, gtLabels: labels }, test, [
      { kind: 'min-overkill-at-miss', maxMissRate: 0 },
      { kind: 'fixed', threshold: 0.5 },
    ]);
    expect(a.threshold).toBe(0.3);
    expect(a.fit.missRate).toBe(0);
    expect(a.applied).toMatchObject({ threshold: 0.3, tp: 2, fn: 1, fp: 0, tn: 1 }); // 0.29 escapes on test
    expect(b.applied).toMatchObject({ tp: 1, fn: 2, fp: 0 });
    const single = applyOperatingPoints([a], test.predScores, test.gtLabels);
    expect(single[0].applied).toEqual(a.applied);
  });
});

describe('operating points: degenerate inputs', () => {
  const all: OperatingPointSpec[] = [
    { kind: 'min-overkill-at-miss', maxMissRate: 0 },
    { kind: 'min-overkill-at-miss', maxMissRate: 0.1 },
    { kind: 'min-miss-at-overkill', maxOverkillRate: 0 },
    { kind: 'max-f1' },
  ];

  it('no defective samples: flag nothing (+Infinity) for every optimising kind', () => {
    for (const p of fitOperatingPoints([0.1, 0.5, 0.9], [0, 0, 0], all)) {
      expect(p.threshold).toBe(Infinity);
      expect(p.fit).toMatchObject({ fp: 0, missRate: null, overkillRate: 0 });
    }
  });

  it('no good samples: flag everything (lowest score) for every optimising kind', () => {
    for (const p of fitOperatingPoints([0.1, 0.5, 0.9], [1, 1, 1], all)) {
      expect(p.threshold).toBe(0.1);
      expect(p.fit).toMatchObject({ fn: 0, overkillRate: null, missRate: 0 });
    }
  });

  it('no samples at all: +Infinity', () => {
    for (const p of fitOperatingPoints([], [], all)) expect(p.threshold).toBe(Infinity);
  });

  it('all scores equal: the only cuts are everything or nothing', () => {
    const [m0, o0, f1] = fitOperatingPoints([2, 2, 2, 2], [0, 1, 0, 1], [
      { kind: 'min-overkill-at-miss', maxMissRate: 0 },
      { kind: 'min-miss-at-overkill', maxOverkillRate: 0.4 },
      { kind: 'max-f1' },
    ]);
    expect(m0.threshold).toBe(2);
    expect(m0.fit).toMatchObject({ tp: 2, fp: 2 });
    expect(o0.threshold).toBe(Infinity);
    expect(f1.threshold).toBe(2); // F1 2/3 beats 0
  });

  it('throws on NaN scores, bad labels, out-of-range targets', () => {
    expect(() => fitOperatingPoints([NaN], [0], [{ kind: 'max-f1' }])).toThrow(/predScores\[0\] is NaN/);
    expect(() => fitOperatingPoints([0.1], [3], [{ kind: 'max-f1' }])).toThrow(/gtLabels\[0\] is 3/);
    expect(() => fitOperatingPoints([0.1], [0], [{ kind: 'min-overkill-at-miss', maxMissRate: 1.5 }])).toThrow(/maxMissRate is 1.5/);
    expect(() => fitOperatingPoints([0.1], [0], [{ kind: 'min-miss-at-overkill', maxOverkillRate: NaN }])).toThrow(/maxOverkillRate is NaN/);
    expect(() => fitOperatingPoints([0.1], [0], [{ kind: 'fixed', threshold: NaN }])).toThrow(/threshold is NaN/);
  });
});

describe('operating points: properties against brute force over every candidate threshold', () => {
  const rate = fc.oneof(fc.constant(0), fc.constant(1), fc.integer({ min: 0, max: 8 }).map((k) => k / 8), fc.double({ min: 0, max: 1, noNaN: true }));

  it('min-overkill-at-miss: feasible, and no feasible candidate has fewer false alarms (or equal and fewer misses)', () => {
    fc.assert(
      fc.property(labelledArb(), rate, ({ scores, labels }, m) => {
        const p = fitOne(scores, labels, { kind: 'min-overkill-at-miss', maxMissRate: m });
        const cands = bruteCandidates(scores);
        expect(cands).toContain(p.threshold);
        const c = bruteCounts(scores, labels, p.threshold);
        expect({ tp: p.fit.tp, fp: p.fit.fp, tn: p.fit.tn, fn: p.fit.fn }).toEqual(c);
        expect(missOf(c)).toBeLessThanOrEqual(m);
        if (p.fit.missRate !== null) expect(p.fit.missRate).toBeLessThanOrEqual(m);
        for (const t of cands) {
          const o = bruteCounts(scores, labels, t);
          if (missOf(o) > m) continue;
          expect(o.fp).toBeGreaterThanOrEqual(c.fp);
          if (o.fp === c.fp) expect(o.fn).toBeGreaterThanOrEqual(c.fn);
        }
      }),
    );
  });

  it('min-miss-at-overkill: feasible, and no feasible candidate misses fewer (or equal and fewer false alarms)', () => {
    fc.assert(
      fc.property(labelledArb(), rate, ({ scores, labels }, o) => {
        const p = fitOne(scores, labels, { kind: 'min-miss-at-overkill', maxOverkillRate: o });
        const cands = bruteCandidates(scores);
        expect(cands).toContain(p.threshold);
        const c = bruteCounts(scores, labels, p.threshold);
        expect({ tp: p.fit.tp, fp: p.fit.fp, tn: p.fit.tn, fn: p.fit.fn }).toEqual(c);
        expect(overkillOf(c)).toBeLessThanOrEqual(o);
        for (const t of cands) {
          const x = bruteCounts(scores, labels, t);
          if (overkillOf(x) > o) continue;
          expect(x.fn).toBeGreaterThanOrEqual(c.fn);
          if (x.fn === c.fn) expect(x.fp).toBeGreaterThanOrEqual(c.fp);
        }
      }),
    );
  });

  it('max-f1: no candidate has a higher F1', () => {
    fc.assert(
      fc.property(labelledArb(), ({ scores, labels }) => {
        const p = fitOne(scores, labels, { kind: 'max-f1' });
        const cands = bruteCandidates(scores);
        expect(cands).toContain(p.threshold);
        const nDef = labels.filter((l) => l === 1).length;
        if (nDef === 0) {
          expect(p.threshold).toBe(Infinity);
          return;
        }
        const f1 = (x: BruteCounts) => (2 * x.tp) / (2 * x.tp + x.fp + x.fn);
        const best = f1(bruteCounts(scores, labels, p.threshold));
        for (const t of cands) expect(f1(bruteCounts(scores, labels, t))).toBeLessThanOrEqual(best + 1e-12);
      }),
    );
  });

  it('applied figures equal a direct confusion at the fitted threshold on the other set', () => {
    fc.assert(
      fc.property(labelledArb(), labelledArb(), rate, (fit, test, m) => {
        const out = fitAndApplyOperatingPoints({ predScores: fit.scores, gtLabels: fit.labels }, { predScores: test.scores, gtLabels: test.labels }, [
          { kind: 'min-overkill-at-miss', maxMissRate: m },
          { kind: 'min-miss-at-overkill', maxOverkillRate: m },
          { kind: 'max-f1' },
        ]);
        for (const p of out) expect(p.applied).toEqual(confusionAtThreshold(test.scores, test.labels, p.threshold));
      }),
    );
  });
});
