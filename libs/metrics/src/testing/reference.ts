/**
 * TEST-ONLY brute-force reference implementations (deliberately naive, O(n^2) where that is the
 * plainest definition) and fast-check generators. Not exported from the library.
 */
import fc from 'fast-check';

export interface Labelled {
  scores: number[];
  labels: number[];
}

/**
 * Scores and labels with the edge cases a real evaluation meets: many ties (small integers),
 * ordinary doubles, and now and then any finite double (huge, tiny, subnormal, -0); labels mixed,
 * all good or all defective; empty unless `minLength` says otherwise.
 */
export function labelledArb(options: { minLength?: number; maxLength?: number } = {}): fc.Arbitrary<Labelled> {
  const score = fc.oneof(
    { weight: 3, arbitrary: fc.integer({ min: -4, max: 4 }) },
    { weight: 3, arbitrary: fc.double({ min: -10, max: 10, noNaN: true, noDefaultInfinity: true }) },
    { weight: 1, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }) },
  );
  const classes = fc.constantFrom('mixed', 'mixed', 'all good', 'all defective');
  return fc
    .tuple(fc.array(fc.tuple(score, fc.constantFrom(0, 1)), { minLength: options.minLength ?? 0, maxLength: options.maxLength ?? 40 }), classes)
    .map(([pairs, kind]) => ({
      scores: pairs.map((p) => p[0]),
      labels: pairs.map((p) => (kind === 'all good' ? 0 : kind === 'all defective' ? 1 : p[1])),
    }));
}

/** Thresholds: mostly among the scores of {@link labelledArb}, sometimes any double including +/-Infinity (never NaN). */
export const thresholdArb = fc.oneof({ weight: 3, arbitrary: fc.double({ min: -12, max: 12, noNaN: true }) }, fc.double({ noNaN: true }));

/**
 * A unit to multiply synthetic scores in [0, ~1.5] by: ordinary, subnormal (1e-310), huge (1e300)
 * and huge with the order reversed (-1e300). Apply it to Float64Array data (Float32 would overflow).
 */
export const scoreUnitArb = fc.constantFrom(1, 1e-310, 1e300, -1e300);

/** How a property picks the bin range of a binned metric (see {@link binRangeFor}). */
export type BinRangeSpec =
  | { readonly kind: 'own range' | 'single value' | 'one subnormal step' | 'every double' }
  | { readonly kind: 'shifted'; readonly shift: number };

export const binRangeArb: fc.Arbitrary<BinRangeSpec> = fc.oneof(
  fc.constantFrom<BinRangeSpec>({ kind: 'own range' }, { kind: 'single value' }, { kind: 'one subnormal step' }, { kind: 'every double' }),
  fc.double({ min: -0.3, max: 0.3, noNaN: true }).map((shift): BinRangeSpec => ({ kind: 'shifted', shift })),
);

/**
 * The bin range for scores in `unit`s: none (the data's own range), a range shifted so that some
 * scores are clamped, a single value, one subnormal step [0, 5e-324], or every finite double.
 */
export function binRangeFor(spec: BinRangeSpec, unit: number): { min?: number; max?: number } {
  switch (spec.kind) {
    case 'own range':
      return {};
    case 'single value':
      return { min: 0.5 * unit, max: 0.5 * unit };
    case 'one subnormal step':
      return { min: 0, max: 5e-324 };
    case 'every double':
      return { min: -Number.MAX_VALUE, max: Number.MAX_VALUE };
    case 'shifted': {
      const [a, b] = [(0.2 + spec.shift) * unit, (1.0 + spec.shift) * unit];
      return a <= b ? { min: a, max: b } : { min: b, max: a };
    }
  }
}

export interface BruteCounts {
  tp: number;
  fp: number;
  tn: number;
  fn: number;
}

/** Counts by definition: flagged when score >= t. */
export function bruteCounts(scores: ArrayLike<number>, labels: ArrayLike<number>, t: number): BruteCounts {
  const c = { tp: 0, fp: 0, tn: 0, fn: 0 };
  for (let i = 0; i < scores.length; i++) {
    const flagged = scores[i] >= t;
    if (labels[i] === 1) {
      if (flagged) c.tp++;
      else c.fn++;
    } else if (flagged) c.fp++;
    else c.tn++;
  }
  return c;
}

/** +Infinity then the distinct scores, descending. */
export function bruteCandidates(scores: ArrayLike<number>): number[] {
  const distinct = [...new Set(Array.from(scores, (s) => (Object.is(s, -0) ? 0 : s)))];
  distinct.sort((a, b) => b - a);
  return [Infinity, ...distinct];
}

/** Fraction of (good, defective) pairs ordered correctly, ties counting 1/2; null if a class is empty. */
export function bruteAuroc(scores: ArrayLike<number>, labels: ArrayLike<number>): number | null {
  let pairs = 0;
  let correct = 0;
  for (let i = 0; i < scores.length; i++) {
    if (labels[i] !== 0) continue;
    for (let j = 0; j < scores.length; j++) {
      if (labels[j] !== 1) continue;
      pairs++;
      if (scores[j] > scores[i]) correct += 1;
      else if (scores[j] === scores[i]) correct += 0.5;
    }
  }
  return pairs === 0 ? null : correct / pairs;
}

/** AP by its definition: sum over distinct thresholds (descending) of (recall gain) * precision. */
export function bruteAveragePrecision(scores: ArrayLike<number>, labels: ArrayLike<number>): number | null {
  const nDef = Array.from(labels).filter((l) => l === 1).length;
  if (nDef === 0) return null;
  let ap = 0;
  let prevRecall = 0;
  for (const t of bruteCandidates(scores).slice(1)) {
    const c = bruteCounts(scores, labels, t);
    const recall = c.tp / nDef;
    ap += (recall - prevRecall) * (c.tp / (c.tp + c.fp));
    prevRecall = recall;
  }
  return ap;
}

/** Small deterministic PRNG (mulberry32) for synthetic test data; returns floats in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * 8-connected region labels by naive relaxation: every defect pixel starts with its own id and
 * repeatedly takes the smallest id among itself and its 8 neighbours until nothing changes.
 * Returns one region id per pixel (-1 for background); ids are not consecutive.
 */
export function bruteRegions(mask: ArrayLike<number>, width: number, height: number): Int32Array {
  const id = new Int32Array(width * height).map((_, p) => (mask[p] === 1 ? p : -1));
  let changed = true;
  while (changed) {
    changed = false;
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const p = y * width + x;
        if (id[p] < 0) continue;
        for (let dy = -1; dy <= 1; dy++) {
          for (let dx = -1; dx <= 1; dx++) {
            const nx = x + dx;
            const ny = y + dy;
            if (nx < 0 || ny < 0 || nx >= width || ny >= height) continue;
            const q = ny * width + nx;
            if (id[q] >= 0 && id[q] < id[p]) {
              id[p] = id[q];
              changed = true;
            }
          }
        }
      }
    }
  }
  return id;
}
