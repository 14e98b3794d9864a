import type { TEvaluation, TRun, TStoredOperatingPoint } from '@defectlab/contracts';

/** The figures a runs-table row shows, read from the run's latest evaluation (nothing recomputed). */
export interface RunSummary {
  readonly run: TRun;
  readonly evaluation: TEvaluation | null;
  readonly imageAuroc: number | null;
  readonly point: TStoredOperatingPoint | null;
  readonly missRate: number | null;
  readonly overkillRate: number | null;
  readonly sizeBytes: number | null;
  readonly msPerImage: number | null;
  readonly durationSeconds: number | null;
}

/** The evaluation to show for a run: the newest one (a re-evaluation under newer labels wins). */
export function latestEvaluation(evals: readonly TEvaluation[]): TEvaluation | null {
  let best: TEvaluation | null = null;
  for (const e of evals) if (e.status === 'succeeded' && (!best || e.createdAt > best.createdAt)) best = e;
  return best;
}

/** The operating point to report: the named one when present, else the first non-oracle point on test. */
export function chosenPoint(e: TEvaluation | null, name?: string): TStoredOperatingPoint | null {
  if (!e) return null;
  const test = e.operatingPoints.filter((p) => p.reportSplit === 'test');
  return (name ? test.find((p) => p.name === name) : undefined) ?? test.find((p) => !p.oracle) ?? null;
}

export function summarizeRun(run: TRun, evals: readonly TEvaluation[], pointName?: string): RunSummary {
  const evaluation = latestEvaluation(evals);
  const point = chosenPoint(evaluation, pointName);
  const auroc = evaluation?.metrics.find((m) => m.name === 'image_auroc' && m.split === 'test')?.value ?? null;
  const started = run.startedAt ? Date.parse(run.startedAt) : null;
  const ended = run.finishedAt ? Date.parse(run.finishedAt) : run.status === 'running' ? Date.now() : null;
  return {
    run,
    evaluation,
    imageAuroc: auroc,
    point,
    missRate: point?.missRate ?? null,
    overkillRate: point?.overkillRate ?? null,
    sizeBytes: evaluation?.sizeBytes ?? null,
    msPerImage: evaluation?.latency?.p50 ?? null,
    durationSeconds: started !== null && ended !== null ? (ended - started) / 1000 : null,
  };
}

export type SortKey = 'kind' | 'status' | 'imageAuroc' | 'missRate' | 'overkillRate' | 'sizeBytes' | 'msPerImage' | 'started' | 'durationSeconds' | 'version';

function keyOf(s: RunSummary, key: SortKey): string | number | null {
  switch (key) {
    case 'kind':
      return s.run.kind;
    case 'status':
      return s.run.status;
    case 'started':
      return s.run.startedAt ?? s.run.createdAt;
    case 'version':
      return s.run.datasetVersion.number;
    default:
      return s[key];
  }
}

/** Sorts rows by a column; rows without a value go last in both directions. */
export function sortSummaries(rows: readonly RunSummary[], key: SortKey, dir: 'asc' | 'desc'): RunSummary[] {
  const sign = dir === 'asc' ? 1 : -1;
  return [...rows].sort((a, b) => {
    const va = keyOf(a, key);
    const vb = keyOf(b, key);
    if (va === null && vb === null) return 0;
    if (va === null) return 1;
    if (vb === null) return -1;
    return (va < vb ? -1 : va > vb ? 1 : 0) * sign;
  });
}
