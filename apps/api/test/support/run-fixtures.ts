import { fitAndApplyOperatingPoints, confusionIntervals, type ConfusionMetrics } from '@defectlab/metrics';
import type { TEvaluationReport, TOperatingPoint, TOperatingPointRule } from '@defectlab/contracts';
import { Client } from 'pg';
import { TEST_POSTGRES_URL } from './test-databases';

/** A prediction a test worker submits, with the label it had when scored. */
export interface FakePrediction {
  readonly imageId: string;
  readonly relPath: string;
  readonly split: 'validation' | 'test';
  readonly label: 'good' | 'defective';
  readonly score: number;
}

const figures = (m: ConfusionMetrics) => ({
  missRate: m.missRate,
  overkillRate: m.overkillRate,
  accuracy: m.accuracy,
  counts: { tp: m.tp, fp: m.fp, tn: m.tn, fn: m.fn, good: m.nGood, defective: m.nDefective },
});

/**
 * A valid evaluation report over given scores, as a worker would submit it: operating points fitted with
 * libs/metrics on validation (miss=0, f1-max) and an oracle f1-max on test.
 */
export function fakeReport(predictions: readonly FakePrediction[]): TEvaluationReport {
  const set = (split: string) => {
    const p = predictions.filter((x) => x.split === split);
    return { predScores: p.map((x) => x.score), gtLabels: p.map((x) => (x.label === 'defective' ? 1 : 0)) };
  };
  const val = set('validation');
  const test = set('test');
  const rules: { name: string; rule: TOperatingPointRule & { kind: 'min-overkill-at-miss' | 'max-f1' }; oracle: boolean }[] = [
    { name: 'miss=0', rule: { kind: 'min-overkill-at-miss', maxMissRate: 0 }, oracle: false },
    { name: 'f1-max', rule: { kind: 'max-f1' }, oracle: false },
    { name: 'oracle:f1-max', rule: { kind: 'max-f1' }, oracle: true },
  ];
  const operatingPoints: TOperatingPoint[] = rules.map((r) => {
    const [p] = fitAndApplyOperatingPoints(r.oracle ? test : val, test, [r.rule]);
    const ci = confusionIntervals(p.applied);
    const iv = (x: typeof ci.missRate) => (x ? { low: x.lower, high: x.upper, method: x.method, confidence: x.confidence } : null);
    return {
      name: r.name,
      rule: r.rule,
      fitSplit: r.oracle ? 'test' : 'validation',
      reportSplit: 'test',
      threshold: p.threshold === Infinity ? '+Infinity' : p.threshold,
      ...figures(p.applied),
      missRateInterval: iv(ci.missRate),
      overkillRateInterval: iv(ci.overkillRate),
      accuracyInterval: iv(ci.accuracy),
      oracle: r.oracle,
      fit: figures(p.fit),
    };
  });
  return {
    format: 'defectlab-evaluation/1',
    imageAuroc: 0.9,
    pixelAuroc: 0.8,
    pixelAurocMethod: 'exact',
    pro: 0.7,
    proFprLimit: 0.3,
    validationImageAuroc: 1,
    operatingPoints,
    omittedOperatingPoints: [],
    latencyMs: { p50: 3, p95: 4, mean: 3.2, n: 5, warmup: 1, batchSize: 1, includesBackbone: true, scope: 'test' },
    sizeBytes: 1234,
    exportIncludesBackbone: false,
    headSizeBytes: 1000,
    backboneSizeBytes: 5000,
    backend: 'test-backend',
    inferenceRuntime: 'test runtime',
    model: { kind: 'csflow', config: {}, seed: 0, backbone: { name: 'b', sha256: 'a'.repeat(64) }, input: { width: 64, height: 64, mode: 'stretch' }, deviations: [] },
    dataset: {
      path: '/nowhere',
      splitRule: { kind: 'hash-v1', seed: 0, validationFractionGood: 0.3, validationFractionDefective: 0.5 },
      splitRuleText: 'test split',
      counts: { train: 4, validationGood: 2, validationDefective: 2, testGood: 3, testDefective: 2 },
    },
    machine: { cpu: 'test cpu', cores: 2, memoryBytes: 1024, platform: 'linux', arch: 'x64', node: process.version },
    runtimeVersions: { node: process.version },
    predictions: predictions.map((p) => ({ relPath: p.relPath, split: p.split, label: p.label, defectType: p.label === 'good' ? 'good' : 'x', score: p.score })),
    wallSeconds: 1,
    createdAt: new Date().toISOString(),
  };
}

/** Image AUROC by counting pairs (defective above good = 1, ties = 1/2): an independent reference. */
export function pairwiseAuroc(scores: readonly number[], labels: readonly number[]): number | null {
  let wins = 0;
  let pairs = 0;
  for (let i = 0; i < scores.length; i++) {
    if (labels[i] !== 1) continue;
    for (let j = 0; j < scores.length; j++) {
      if (labels[j] !== 0) continue;
      pairs++;
      wins += scores[i] > scores[j] ? 1 : scores[i] === scores[j] ? 0.5 : 0;
    }
  }
  return pairs ? wins / pairs : null;
}

/** Drops the pg-boss schema the API created next to a test's app schema (test-databases drops only the app schema). */
export async function dropQueueSchema(appSchema: string): Promise<void> {
  const client = new Client({ connectionString: TEST_POSTGRES_URL });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${appSchema}_boss" CASCADE`);
  } finally {
    await client.end();
  }
}

/**
 * Sets environment variables for the API a suite starts (e.g. short heartbeat timeouts) and returns a
 * function that puts the previous values back.
 */
export function overrideEnv(vars: Record<string, string>): () => void {
  const previous = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  Object.assign(process.env, vars);
  return () => {
    for (const [k, v] of Object.entries(previous)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
}
