/**
 * `--compare <old.json>`: every figure of a report as one named number, and the ratio new / old of each,
 * one line per figure, so a change's effect on speed or accuracy is visible at a glance.
 */
import type { TBenchReport, TOperatingPoint } from '@defectlab/contracts';

/** All figures of a report, keyed by a stable name (model id / block + figure). Nulls are left out. */
export function flattenFigures(r: TBenchReport): Map<string, number> {
  const out = new Map<string, number>();
  const put = (key: string, v: number | null | undefined) => {
    if (typeof v === 'number' && Number.isFinite(v)) out.set(key, v);
  };
  const point = (key: string, p: TOperatingPoint | null) => {
    if (!p) return;
    put(`${key} overkill (test)`, p.overkillRate);
    put(`${key} miss (test)`, p.missRate);
  };
  for (const m of r.models) {
    const k = m.id;
    put(`${k} image AUROC`, m.accuracy?.imageAuroc);
    put(`${k} pixel AUROC`, m.accuracy?.pixelAuroc);
    put(`${k} PRO`, m.accuracy?.pro);
    point(`${k} @miss<=0.5%`, m.accuracy?.missAtMost05Percent ?? null);
    point(`${k} @miss=0`, m.accuracy?.missZero ?? null);
    put(`${k} train wall s`, m.training?.process.wallSeconds);
    put(`${k} fit s`, m.training?.fitSeconds);
    put(`${k} train peak RSS MB`, m.training?.process.peakRssBytes ? m.training.process.peakRssBytes / 2 ** 20 : null);
    put(`${k} evaluate peak RSS MB`, m.evaluation?.process.peakRssBytes ? m.evaluation.process.peakRssBytes / 2 ** 20 : null);
    put(`${k} latency p50 ms (with backbone)`, m.inference?.withBackbone.p50);
    put(`${k} latency p95 ms (with backbone)`, m.inference?.withBackbone.p95);
    put(`${k} latency p50 ms (without backbone)`, m.inference?.withoutBackbone.p50);
    put(`${k} latency p95 ms (without backbone)`, m.inference?.withoutBackbone.p95);
    put(`${k} export bytes`, m.size?.exportBytes);
    put(`${k} head bytes`, m.size?.headBytes);
  }
  const b = r.blocks;
  put('decode+preprocess images/s', b.decode.imagesPerSecond);
  for (const f of b.backbone.figures) put(`backbone ${f.backbone} ${f.size}px ${f.threads} thread(s) ms/image`, f.msPerImageMedian);
  for (const f of b.knn.figures) put(`kNN ${f.bankRows}x${f.dim} bank queries/s`, f.queriesPerSecond);
  put(`metrics AUROC + operating points on ${b.metrics.n} scores ms`, b.metrics.aurocAndOperatingPointsMs);
  put(`metrics AUROC alone on ${b.metrics.n} scores ms`, b.metrics.aurocMs);
  return out;
}

function fmt(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  return a >= 1000 ? v.toFixed(0) : a >= 1 ? v.toPrecision(4) : v.toPrecision(3);
}

/**
 * One line per figure: `<name>: <old> -> <new>  x<ratio>`; figures only in one report say so. Also tells
 * when the two reports differ in mode or machine (a quick run is not comparable to a full one).
 */
export function compareReports(oldR: TBenchReport, newR: TBenchReport): string[] {
  const lines: string[] = [];
  if (oldR.mode !== newR.mode) lines.push(`note: comparing a ${newR.mode} run with a ${oldR.mode} run; the figures are not like for like`);
  if (oldR.machine.cpu !== newR.machine.cpu || oldR.machine.cores !== newR.machine.cores) {
    lines.push(`note: different machines: ${oldR.machine.cpu} x${oldR.machine.cores} -> ${newR.machine.cpu} x${newR.machine.cores}`);
  }
  const a = flattenFigures(oldR);
  const b = flattenFigures(newR);
  for (const [key, nv] of b) {
    const ov = a.get(key);
    if (ov === undefined) lines.push(`${key}: (not in old) -> ${fmt(nv)}`);
    else lines.push(`${key}: ${fmt(ov)} -> ${fmt(nv)}  x${ov === 0 ? (nv === 0 ? '1.000' : 'inf') : (nv / ov).toFixed(3)}`);
  }
  for (const [key, ov] of a) if (!b.has(key)) lines.push(`${key}: ${fmt(ov)} -> (not in new)`);
  for (const m of newR.models) if (m.status === 'failed') lines.push(`${m.id}: failed in the new report (${m.error})`);
  return lines;
}
