/**
 * The compare view's trade-off as a Markdown table: per data set, every model with its size (head and
 * export), p50 latency with the backbone and its overkill at miss <= 0.5 % (test), whether it is on the
 * Pareto front of size vs overkill and of latency vs overkill, and whether it meets the targets.
 */
import { DEFAULT_TARGETS, type TBenchModelResult } from '@defectlab/contracts';
import { paretoFront } from '@defectlab/metrics';

const pct = (v: number) => `${(v * 100).toFixed(1)} %`;
const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MB`;

interface Row {
  readonly m: TBenchModelResult;
  readonly size: number | null;
  readonly latency: number | null;
  readonly overkill: number | null;
  readonly miss: number | null;
}

/** Indices (into `rows`) on the front of `cost` vs overkill, among rows where both are known. */
function frontOf(rows: readonly Row[], cost: (r: Row) => number | null): Set<number> {
  const placed = rows.map((r, i) => ({ i, x: cost(r), y: r.overkill })).filter((p): p is { i: number; x: number; y: number } => p.x !== null && p.y !== null);
  return new Set(paretoFront(placed).map((k) => placed[k].i));
}

export function tradeoffTable(models: readonly TBenchModelResult[], targets = DEFAULT_TARGETS): string[] {
  const out: string[] = [];
  const datasets = [...new Set(models.map((m) => m.dataset))];
  out.push(
    `Trade-off (as the compare view's scatters): size is the model without the backbone (head), latency p50 at batch 1 with the backbone, overkill and miss at the miss <= 0.5 % operating point on test. ` +
      `Targets: miss <= ${pct(targets.maxMissRate)}, overkill <= ${pct(targets.maxOverkillRate)}` +
      `${targets.maxSizeBytes ? `, size <= ${mb(targets.maxSizeBytes)} (${targets.maxSizeBytes.toLocaleString('en-US')} bytes)` : ''}${targets.maxLatencyMs ? `, p50 <= ${targets.maxLatencyMs} ms` : ''}.`,
  );
  for (const dataset of datasets) {
    const rows: Row[] = models
      .filter((m) => m.dataset === dataset)
      .map((m) => ({
        m,
        size: m.size?.headBytes || null,
        latency: m.inference?.withBackbone.p50 ?? null,
        overkill: m.accuracy?.missAtMost05Percent?.overkillRate ?? null,
        miss: m.accuracy?.missAtMost05Percent?.missRate ?? null,
      }));
    const bySize = frontOf(rows, (r) => r.size);
    const byLatency = frontOf(rows, (r) => r.latency);
    out.push('');
    out.push(`${dataset}:`);
    out.push('');
    out.push('| model | head size | export size | p50 ms | overkill | miss | Pareto: size | Pareto: latency | meets targets |');
    out.push('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
    rows.forEach((r, i) => {
      const known = r.overkill !== null && r.miss !== null;
      const rates = known && (r.miss as number) <= targets.maxMissRate && (r.overkill as number) <= targets.maxOverkillRate;
      const size = !targets.maxSizeBytes || (r.size !== null && r.size <= targets.maxSizeBytes);
      const speed = !targets.maxLatencyMs || (r.latency !== null && r.latency <= targets.maxLatencyMs);
      const verdict = !known ? 'n/a' : rates && size && speed ? 'yes' : `no (${[!rates && 'rates', !size && 'size', !speed && 'latency'].filter(Boolean).join(', ')})`;
      out.push(
        `| ${r.m.id} | ${r.size !== null ? mb(r.size) : 'n/a'} | ${r.m.size ? mb(r.m.size.exportBytes) : 'n/a'} | ${r.latency !== null ? r.latency.toFixed(1) : 'n/a'} | ` +
          `${r.overkill !== null ? pct(r.overkill) : 'n/a'} | ${r.miss !== null ? pct(r.miss) : 'n/a'} | ${bySize.has(i) ? 'yes' : r.size !== null && r.overkill !== null ? 'no' : 'n/a'} | ` +
          `${byLatency.has(i) ? 'yes' : r.latency !== null && r.overkill !== null ? 'no' : 'n/a'} | ${verdict} |`,
      );
    });
  }
  return out;
}
