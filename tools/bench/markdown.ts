/** The Markdown table written next to the JSON report. */
import type { TBenchReport, TOperatingPoint } from '@defectlab/contracts';
import { trainStepsMarkdown } from './train-steps';
import { tradeoffTable } from './tradeoff-table';

const pct = (v: number | null | undefined) => (v === null || v === undefined ? 'n/a' : `${(v * 100).toFixed(1)} %`);
const num = (v: number | null | undefined, digits = 3) => (v === null || v === undefined ? 'n/a' : v.toFixed(digits));
const mb = (bytes: number | null | undefined) => (bytes === null || bytes === undefined ? 'n/a' : `${(bytes / 2 ** 20).toFixed(1)} MB`);

function op(p: TOperatingPoint | null | undefined): string {
  if (!p) return 'n/a';
  const ci = p.overkillRateInterval ? ` [${pct(p.overkillRateInterval.low)}, ${pct(p.overkillRateInterval.high)}]` : '';
  return `${pct(p.overkillRate)}${ci} (miss ${pct(p.missRate)})`;
}

/** Renders the report as Markdown: header facts, the model table, failures, the building blocks. */
export function toMarkdown(r: TBenchReport): string {
  const m = r.machine;
  const out: string[] = [];
  out.push(`# DefectLab benchmark (${r.mode}${r.mode === 'quick' ? ': reduced, not the full benchmark' : ''})`);
  out.push('');
  out.push(`- measured: ${r.createdAt} in ${(r.wallSeconds / 60).toFixed(1)} min; \`${r.command}\``);
  out.push(`- machine: ${m.cpu}, ${m.cores} logical cores, ${(m.memoryBytes / 2 ** 30).toFixed(1)} GiB, ${m.platform} ${m.arch}, Node ${m.node}; load average ${m.loadAverageStart.toFixed(1)} at start, ${m.loadAverageEnd.toFixed(1)} at end`);
  out.push(`- runtime: ${Object.entries(r.runtimeVersions).map(([k, v]) => `${k} ${v ?? 'not installed'}`).join(', ')}`);
  out.push(`- training backend(s): ${r.trainingBackends.map((b) => `\`${b}\``).join(', ') || 'n/a'}`);
  out.push(`- backbone: ${r.backbone.name}${r.backbone.path ? ` (${r.backbone.path})` : ''}; git ${r.git.commit?.slice(0, 10) ?? 'n/a'}${r.git.dirty ? ' (uncommitted changes)' : ''}`);
  for (const n of r.notes) out.push(`- note: ${n}`);
  for (const x of r.reductions) out.push(`- reduction: ${x}`);
  out.push('');
  out.push('Thresholds are fitted on the validation split and reported on the test split; overkill shown with its 95 % interval. Latency: batch 1, ms per image, p50 / p95.');
  out.push('');
  out.push('| model | status | image AUROC | pixel AUROC | PRO | overkill @ miss <= 0.5 % | overkill @ miss = 0 | train s | train peak RSS | p50/p95 ms with backbone | p50/p95 ms without | export size | head size |');
  out.push('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const x of r.models) {
    const a = x.accuracy;
    const inf = x.inference;
    out.push(
      `| ${x.id} | ${x.status} | ${num(a?.imageAuroc)} | ${num(a?.pixelAuroc)} | ${num(a?.pro)} | ${op(a?.missAtMost05Percent)} | ${op(a?.missZero)} | ` +
        `${num(x.training?.process.wallSeconds, 1)} | ${mb(x.training?.process.peakRssBytes)} | ` +
        `${inf ? `${inf.withBackbone.p50.toFixed(1)} / ${inf.withBackbone.p95.toFixed(1)}` : 'n/a'} | ${inf ? `${inf.withoutBackbone.p50.toFixed(1)} / ${inf.withoutBackbone.p95.toFixed(1)}` : 'n/a'} | ` +
        `${mb(x.size?.exportBytes)}${x.size?.exportIncludesBackbone ? ' (incl. backbone)' : ''} | ${mb(x.size?.headBytes)} |`,
    );
  }
  out.push('');
  out.push(...tradeoffTable(r.models));
  const failed = r.models.filter((x) => x.status === 'failed');
  if (failed.length) {
    out.push('');
    out.push('Failed:');
    for (const x of failed) out.push(`- ${x.id}: ${x.error}`);
  }
  const reduced = r.models.filter((x) => x.reductions.length);
  if (reduced.length) {
    out.push('');
    out.push('Per-model reductions:');
    for (const x of reduced) out.push(`- ${x.id}: ${x.reductions.join('; ')}`);
  }
  out.push('');
  out.push('Data sets:');
  for (const d of r.datasets) {
    const c = d.counts;
    out.push(`- ${d.name}: ${d.description}${c ? `; split: train ${c.train}, validation ${c.validationGood}+${c.validationDefective}, test ${c.testGood}+${c.testDefective} (good+defective)` : ''}`);
  }
  const b = r.blocks;
  out.push('');
  out.push('| building block | figure |');
  out.push('| --- | --- |');
  out.push(`| decode + preprocess (${b.decode.source ?? 'n/a'} -> ${b.decode.targetSize}x${b.decode.targetSize}) | ${b.decode.imagesPerSecond !== null ? `${b.decode.imagesPerSecond.toFixed(1)} images/s` : `${b.decode.status}: ${b.decode.error}`} |`);
  for (const f of b.backbone.figures) out.push(`| backbone ${f.backbone} ${f.size}x${f.size}, ${f.threads} thread(s) | ${f.msPerImageMedian.toFixed(1)} ms/image (min ${f.msPerImageMin.toFixed(1)}) |`);
  if (b.backbone.status !== 'ok') out.push(`| backbone | ${b.backbone.status}: ${b.backbone.error} |`);
  for (const f of b.knn.figures) out.push(`| kNN k=${f.k}, ${f.queries} queries vs ${f.bankRows} x ${f.dim} bank (${f.bankSource}), ${f.engine} | ${f.queriesPerSecond.toFixed(0)} queries/s |`);
  if (b.knn.status !== 'ok') out.push(`| kNN | ${b.knn.status}: ${b.knn.error} |`);
  out.push(`| metrics: AUROC + AP + 6 operating points on ${b.metrics.n} scores | ${b.metrics.aurocAndOperatingPointsMs !== null ? `${b.metrics.aurocAndOperatingPointsMs} ms` : `${b.metrics.status}: ${b.metrics.error}`} |`);
  out.push('');
  if (r.trainSteps) out.push(...trainStepsMarkdown(r.trainSteps));
  return out.join('\n');
}
