import { promises as fs } from 'node:fs';
import { ZEvaluationReport, type TEvaluationReport } from '@defectlab/contracts';

/** Counts at `threshold` recomputed from the report's own per-image scores (independent of the metrics code). */
function countsAt(report: TEvaluationReport, split: 'validation' | 'test', threshold: number | '+Infinity') {
  const t = threshold === '+Infinity' ? Infinity : threshold;
  const c = { tp: 0, fp: 0, tn: 0, fn: 0, good: 0, defective: 0 };
  for (const p of report.predictions.filter((q) => q.split === split)) {
    const flagged = p.score >= t;
    if (p.label === 'defective') {
      c.defective++;
      if (flagged) c.tp++;
      else c.fn++;
    } else {
      c.good++;
      if (flagged) c.fp++;
      else c.tn++;
    }
  }
  return c;
}

/**
 * Reads a report written by `evaluate --json`, validates it against the contract and checks what must hold
 * whatever the model: splits disjoint and complete, every point's counts equal a recount of the stored
 * scores at its threshold, validation-fitted constraints met on validation, latency and size sane.
 */
export async function readAndCheckReport(file: string, onnxFile: string): Promise<TEvaluationReport> {
  const report = ZEvaluationReport.parse(JSON.parse(await fs.readFile(file, 'utf8')));
  const c = report.dataset.counts;
  const val = report.predictions.filter((p) => p.split === 'validation');
  const test = report.predictions.filter((p) => p.split === 'test');
  expect(val).toHaveLength(c.validationGood + c.validationDefective);
  expect(test).toHaveLength(c.testGood + c.testDefective);
  expect(c.validationDefective).toBeGreaterThan(0); // defect-aware validation is the default
  const testPaths = new Set(test.map((p) => p.relPath));
  expect(val.filter((p) => testPaths.has(p.relPath))).toEqual([]);
  expect(val.every((p) => p.label === 'good' || p.relPath.startsWith('test/'))).toBe(true);

  const names = report.operatingPoints.map((p) => p.name);
  expect(names).toEqual(expect.arrayContaining(['miss<=0.5%', 'miss=0', 'f1-max', 'oracle:f1-max']));
  for (const p of report.operatingPoints) {
    expect(p.counts).toEqual(countsAt(report, 'test', p.threshold));
    expect(p.fit.counts).toEqual(countsAt(report, p.fitSplit, p.threshold));
    expect(p.oracle).toBe(p.fitSplit === 'test');
    if (p.counts.defective > 0) expect(p.missRate).toBeCloseTo(p.counts.fn / p.counts.defective, 12);
    if (p.missRateInterval && p.missRate !== null) {
      expect(p.missRateInterval.low).toBeLessThanOrEqual(p.missRate);
      expect(p.missRateInterval.high).toBeGreaterThanOrEqual(p.missRate);
    }
  }
  const byName = Object.fromEntries(report.operatingPoints.map((p) => [p.name, p]));
  expect(byName['miss=0'].fit.counts.fn).toBe(0);
  expect(byName['miss<=0.5%'].fit.missRate as number).toBeLessThanOrEqual(0.005);

  expect(report.latencyMs.p50).toBeGreaterThan(0);
  expect(report.latencyMs.p50).toBeLessThanOrEqual(report.latencyMs.p95);
  expect(report.sizeBytes).toBe((await fs.stat(onnxFile)).size);
  if (report.exportIncludesBackbone) expect(report.sizeBytes).toBeGreaterThan(report.backboneSizeBytes);
  expect(report.headSizeBytes).toBeGreaterThan(0);
  return report;
}
