import type { TEvaluation, TRun } from '@defectlab/contracts';
import { latestEvaluation, sortSummaries, summarizeRun } from './run-summary';

const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const run = (n: number, kind: TRun['kind']): TRun => ({
  id: uuid(n),
  kind,
  status: 'succeeded',
  preset: 'small',
  config: {},
  resolvedConfig: null,
  fitReport: null,
  datasetVersion: { id: uuid(100), number: 1, datasetId: uuid(200) },
  backbone: null,
  seed: 0,
  progress: null,
  attempts: 1,
  maxAttempts: 2,
  workerId: null,
  hardware: null,
  runtime: null,
  trainingBackend: null,
  codeVersion: null,
  error: null,
  createdBy: null,
  createdAt: '2026-11-29T10:00:00.000Z',
  startedAt: '2026-11-29T10:00:00.000Z',
  finishedAt: '2026-11-29T10:01:40.000Z',
  heartbeatAt: null,
  cancelRequestedAt: null,
});
const point = (name: string, oracle: boolean, miss: number) => ({
  name,
  rule: { kind: 'max-f1' as const },
  oracle,
  fitSplit: oracle ? ('test' as const) : ('validation' as const),
  reportSplit: 'test' as const,
  datasetVersionId: uuid(100),
  threshold: 0.5,
  counts: { tp: 1, fp: 1, tn: 1, fn: 1, good: 2, defective: 2 },
  missRate: miss,
  missRateInterval: null,
  overkillRate: 0.1,
  overkillRateInterval: null,
  accuracy: 0.9,
  accuracyInterval: null,
});
const evaluation = (n: number, createdAt: string, auroc: number, points = [point('oracle:f1-max', true, 0), point('miss<=0.5%', false, 0.02)]): TEvaluation => ({
  id: uuid(n),
  runId: uuid(1),
  datasetVersion: { id: uuid(100), number: 1 },
  sourceEvaluationId: null,
  status: 'succeeded',
  sizeBytes: 1000 * n,
  backboneSizeBytes: null,
  latency: { p50: n, p95: n + 1, mean: n, n: 5, warmup: 1, batchSize: 1, includesBackbone: true, scope: '' },
  hardware: null,
  runtime: null,
  createdAt,
  metrics: [{ name: 'image_auroc', split: 'test', datasetVersionId: uuid(100), value: auroc }],
  operatingPoints: points,
  predictionCount: 4,
});

describe('run summary', () => {
  it('reads the newest evaluation and its first non-oracle operating point', () => {
    const evals = [evaluation(1, '2026-11-29T10:00:00.000Z', 0.8), evaluation(2, '2026-11-29T11:00:00.000Z', 0.9)];
    expect(latestEvaluation(evals)?.id).toBe(uuid(2));
    const s = summarizeRun(run(1, 'csflow'), evals);
    expect(s.imageAuroc).toBe(0.9);
    expect(s.point?.name).toBe('miss<=0.5%');
    expect(s.missRate).toBe(0.02);
    expect(s.sizeBytes).toBe(2000);
    expect(s.durationSeconds).toBe(100);
  });

  it('sorts by a figure with missing values last', () => {
    const a = summarizeRun(run(1, 'csflow'), [evaluation(1, '2026-11-29T10:00:00.000Z', 0.7)]);
    const b = summarizeRun(run(2, 'patchcore'), [evaluation(2, '2026-11-29T10:00:00.000Z', 0.95)]);
    const c = summarizeRun(run(3, 'cfa'), []);
    expect(sortSummaries([a, b, c], 'imageAuroc', 'desc').map((s) => s.run.kind)).toEqual(['patchcore', 'csflow', 'cfa']);
    expect(sortSummaries([a, b, c], 'imageAuroc', 'asc').map((s) => s.run.kind)).toEqual(['csflow', 'patchcore', 'cfa']);
    expect(sortSummaries([a, b, c], 'kind', 'asc').map((s) => s.run.kind)).toEqual(['cfa', 'csflow', 'patchcore']);
  });
});
