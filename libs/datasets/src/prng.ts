// One module-level binding of Math: under jest every lookup of a global such as `Math` goes through the
// vm context's interceptor and made the per-pixel loops here 10-20x slower; plain Node is unaffected.
const math = Math;

/**
 * A small seeded pseudo-random generator (mulberry32). Deterministic across platforms:
 * the same seed always yields the same sequence.
 */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform in [lo, hi). */
  uniform(lo: number, hi: number): number;
  /** Integer uniform in [lo, hi] (both inclusive). */
  int(lo: number, hi: number): number;
  /** Standard normal sample (Box-Muller). */
  normal(): number;
  /** True with probability p. */
  chance(p: number): boolean;
  /** A uniformly chosen element. */
  pick<T>(items: readonly T[]): T;
}

/** Creates a seeded generator. Any finite number is accepted as seed (it is hashed to 32 bits). */
export function createRng(seed: number): Rng {
  let state = hashSeed(seed);
  const next = (): number => {
    state = (state + 0x6d2b79f5) | 0;
    let t = state;
    t = math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const rng: Rng = {
    next,
    uniform: (lo, hi) => lo + (hi - lo) * next(),
    int: (lo, hi) => lo + math.floor(next() * (hi - lo + 1)),
    normal: () => {
      const u = math.max(next(), 1e-12);
      const v = next();
      return math.sqrt(-2 * math.log(u)) * math.cos(2 * math.PI * v);
    },
    chance: (p) => next() < p,
    pick: (items) => {
      if (items.length === 0) throw new RangeError('pick: empty list');
      return items[math.floor(next() * items.length)];
    },
  };
  return rng;
}

/** Mixes a number (seed, possibly fractional or negative) into a 32-bit state. */
function hashSeed(seed: number): number {
  if (!Number.isFinite(seed)) throw new RangeError(`createRng: seed must be finite, got ${seed}`);
  let h = 0x9e3779b9 ^ math.floor(seed);
  h = math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  h ^= h >>> 16;
  const frac = math.floor((seed - math.floor(seed)) * 4294967296);
  return (h ^ frac) | 0;
}

/** A seeded Fisher-Yates permutation of 0..n-1 (draws n - 1 integers from `rng`). */
export function randomPermutation(rng: Rng, n: number): Int32Array {
  const p = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [p[i], p[j]] = [p[j], p[i]];
  }
  return p;
}
