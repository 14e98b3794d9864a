/**
 * Benchmark (not a test): image AUROC and every operating point on n scores.
 *
 *   node -r @swc-node/register libs/metrics/bench/metrics.bench.ts [n]
 *
 * prints one JSON object on stdout. `runMetricsBench(n)` is exported for the platform's
 * `npm run bench`. Synthetic data: float32 scores (so ties occur as they do in model output),
 * 10 % defective, defective scores shifted up; deterministic (seeded).
 *
 * Timed stages (each the median of `repeats` runs after a small warm-up):
 * - `aurocAndOperatingPointsMs`: the target figure: validate + sort + sweep once, then AUROC,
 *   AP and six operating points (miss <= 0, miss <= 0.005, overkill <= 0, overkill <= 0.01,
 *   max F1, fixed) on that sweep;
 * - `aurocMs`: `auroc()` alone (its own validate + sort + merge);
 * - `fitOperatingPointsMs`: `fitOperatingPoints()` alone with the six specs;
 * - `applyToTestMs`: applying the six thresholds to a second set of n scores.
 */
import {
  applyOperatingPoints,
  auroc,
  aurocFromSweep,
  averagePrecisionFromSweep,
  fitOperatingPointOnSweep,
  fitOperatingPoints,
  OperatingPointSpec,
  thresholdSweep,
} from '../src';

export interface MetricsBenchResult {
  readonly benchmark: 'metrics';
  readonly n: number;
  readonly repeats: number;
  readonly aurocAndOperatingPointsMs: number;
  readonly aurocMs: number;
  readonly fitOperatingPointsMs: number;
  readonly applyToTestMs: number;
  /** the target from issue 3: AUROC + all operating points on 1e6 scores under 1000 ms */
  readonly targetMs: 1000;
  readonly meetsTarget: boolean;
  readonly auroc: number | null;
  readonly node: string;
}

const SPECS: OperatingPointSpec[] = [
  { kind: 'min-overkill-at-miss', maxMissRate: 0 },
  { kind: 'min-overkill-at-miss', maxMissRate: 0.005 },
  { kind: 'min-miss-at-overkill', maxOverkillRate: 0 },
  { kind: 'min-miss-at-overkill', maxOverkillRate: 0.01 },
  { kind: 'max-f1' },
  { kind: 'fixed', threshold: 0.5 },
];

function syntheticSet(n: number, seed: number): { scores: Float32Array; labels: Uint8Array } {
  let a = seed >>> 0;
  const rand = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const scores = new Float32Array(n);
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const defective = rand() < 0.1;
    labels[i] = defective ? 1 : 0;
    scores[i] = (rand() + rand() + rand()) / 3 + (defective ? 0.25 : 0);
  }
  return { scores, labels };
}

function median(xs: number[]): number {
  const s = [...xs].sort((x, y) => x - y);
  return s[Math.floor(s.length / 2)];
}

function time(repeats: number, fn: () => void): number {
  const ms: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const t0 = performance.now();
    fn();
    ms.push(performance.now() - t0);
  }
  return Math.round(median(ms) * 10) / 10;
}

/** Runs the benchmark on n synthetic scores and returns the timings (ms). */
export function runMetricsBench(n = 1_000_000, repeats = 3): MetricsBenchResult {
  const fit = syntheticSet(n, 1);
  const test = syntheticSet(n, 2);

  let value: number | null = null;
  const pipeline = (s: Float32Array, l: Uint8Array) => {
    const sweep = thresholdSweep(s, l);
    value = aurocFromSweep(sweep);
    averagePrecisionFromSweep(sweep);
    return SPECS.map((spec) => fitOperatingPointOnSweep(sweep, spec));
  };
  // warm-up (JIT) on a small slice
  const warm = Math.min(n, 20_000);
  pipeline(fit.scores.subarray(0, warm), fit.labels.subarray(0, warm));
  auroc(fit.scores.subarray(0, warm), fit.labels.subarray(0, warm));

  const aurocAndOperatingPointsMs = time(repeats, () => pipeline(fit.scores, fit.labels));
  const aurocMs = time(repeats, () => auroc(fit.scores, fit.labels));
  const fitted = fitOperatingPoints(fit.scores, fit.labels, SPECS);
  const fitOperatingPointsMs = time(repeats, () => fitOperatingPoints(fit.scores, fit.labels, SPECS));
  const applyToTestMs = time(repeats, () => applyOperatingPoints(fitted, test.scores, test.labels));

  return {
    benchmark: 'metrics',
    n,
    repeats,
    aurocAndOperatingPointsMs,
    aurocMs,
    fitOperatingPointsMs,
    applyToTestMs,
    targetMs: 1000,
    meetsTarget: aurocAndOperatingPointsMs < 1000,
    auroc: value,
    node: process.version,
  };
}

if (require.main === module) {
  const n = process.argv[2] ? Number(process.argv[2]) : 1_000_000;
  process.stdout.write(`${JSON.stringify(runMetricsBench(n))}\n`);
}
