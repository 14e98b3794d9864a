/// <reference types="jest" />
/**
 * Keeps `npm run bench` working: runs the real harness (trainer CLI child processes, the libs' bench
 * scripts, the kNN graph) on a tiny generated data set with the npm-only default backbone, and checks that
 * the report validates, that its figures are the trainer's own, that a failing model is reported as failed,
 * and that --compare and the Markdown table cover every model. No speed is asserted.
 */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ZBenchReport, ZEvaluationReport, type TBenchReport } from '@defectlab/contracts';
import { auroc } from '@defectlab/metrics';
import { parseBenchArgs, readReport, runBench, withConfigOverride, type BenchOutput } from './bench';
import { compareReports, flattenFigures } from './compare';
import { quickPlan, type BenchPlan } from './plan';

const tinyPlan = (): BenchPlan => {
  const quick = quickPlan();
  return {
    ...quick,
    demoLines: ['lens'],
    demo: { size: 128, trainGood: 12, testGood: 6, testDefective: 8, seed: 5 },
    demoModels: [
      { model: 'patchcore', preset: 'small', config: { preset: 'small' }, imageSize: 128, reductions: ['tiny test plan'] },
      { model: 'csflow', preset: 'small', config: { preset: 'small', epochs: 1 }, imageSize: 128, reductions: ['tiny test plan'] },
      // an invalid preset: the trainer refuses it at fit, and the bench must say so instead of dropping it
      { model: 'patchcore', preset: 'broken', config: { preset: 'no-such-preset' }, imageSize: 128, reductions: ['tiny test plan'] },
    ],
    latencyRuns: 3,
    metricsScores: 20_000,
    backbonesQuick: true,
    reductions: ['tiny test plan'],
  };
};

let tmp: string;
let out: BenchOutput;

beforeAll(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'bench-spec-'));
  out = await runBench({
    plan: tinyPlan(),
    outDir: path.join(tmp, 'out'),
    sharedDir: path.join(tmp, 'no-shared'), // magnetic_tile and the ResNet-50 are absent on purpose
    // every model of the tiny plan, without the train-step section (seed-preset steps take minutes and GBs)
    only: ['demo-lens'],
    command: 'bench.spec.ts',
    log: () => undefined,
  });
}, 600_000);

afterAll(async () => {
  await fs.rm(tmp, { recursive: true, force: true });
});

describe('npm run bench on a tiny generated data set', () => {
  it('writes a JSON report that validates against the contracts schema, with machine, runtime and backend', async () => {
    const report = ZBenchReport.parse(JSON.parse(await fs.readFile(out.jsonFile, 'utf8')));
    expect(report.mode).toBe('quick');
    expect(report.reductions).toContain('tiny test plan');
    expect(report.machine.cores).toBe(os.cpus().length);
    expect(report.machine.memoryBytes).toBe(os.totalmem());
    expect(report.runtimeVersions['onnxruntime-node']).toMatch(/^\d+\.\d+/);
    expect(report.runtimeVersions.sharp).toMatch(/^\d+\.\d+/);
    expect(report.backbone.name).toBe('default');
    expect(report.notes.join(' ')).toMatch(/absent: models ran on the npm-only default backbone/);
    expect(report.notes.join(' ')).toMatch(/magnetic_tile skipped/);
    expect(report.datasets.map((d) => d.name)).toEqual(['demo-lens']);
    expect(report.datasets[0].files).toEqual({ trainGood: 12, testGood: 6, testDefective: 8 });
    expect(report.models.map((m) => m.id)).toEqual(['demo-lens/patchcore-small', 'demo-lens/csflow-small', 'demo-lens/patchcore-broken']);
    expect(report.trainingBackends.length).toBeGreaterThanOrEqual(2);
    // the schema can fail: an unknown status or a rate outside [0, 1] is refused
    expect(ZBenchReport.safeParse({ ...report, models: [{ ...report.models[0], status: 'maybe' }] }).success).toBe(false);
    const m = report.models[0];
    const badAccuracy = m.accuracy ? { ...m.accuracy, imageAuroc: 1.5 } : null;
    expect(ZBenchReport.safeParse({ ...report, models: [{ ...m, accuracy: badAccuracy }] }).success).toBe(false);
  });

  it('reports the trainer evaluation figures and a consistent latency split', async () => {
    for (const m of out.report.models.filter((x) => x.preset !== 'broken')) {
      expect(m.status).toBe('ok');
      const slug = m.id.replace(/[^a-zA-Z0-9._-]+/g, '_');
      const ev = ZEvaluationReport.parse(JSON.parse(await fs.readFile(path.join(path.dirname(out.jsonFile), 'evaluations', `${slug}.json`), 'utf8')));
      const test = ev.predictions.filter((p) => p.split === 'test');
      // the image AUROC is the one recomputed from the stored test scores, not something the bench made up
      expect(m.accuracy?.imageAuroc).toBeCloseTo(auroc(test.map((p) => p.score), test.map((p) => (p.label === 'defective' ? 1 : 0))) as number, 12);
      expect(m.accuracy?.missAtMost05Percent?.fitSplit).toBe('validation');
      expect(m.accuracy?.missAtMost05Percent?.reportSplit).toBe('test');
      expect(m.accuracy?.missZero?.fit.missRate).toBe(0);
      expect(m.accuracy?.counts.testDefective).toBeGreaterThan(0);
      expect(m.training?.process.peakRssBytes).toBeGreaterThan(50 * 2 ** 20);
      expect(m.training?.fitSeconds).toBeLessThanOrEqual(m.training?.process.wallSeconds as number);
      const inf = m.inference;
      expect(inf?.withBackbone.n).toBe(3);
      // every call's head time is its total minus its backbone time, so each quantile is at most the total's
      expect(inf?.withoutBackbone.p50).toBeLessThanOrEqual(inf?.withBackbone.p50 as number);
      expect(inf?.backboneOnly.p50).toBeGreaterThan(0);
      expect(m.size?.exportBytes).toBe(ev.sizeBytes);
    }
    const patchcore = out.report.models[0];
    expect(patchcore.size?.exportIncludesBackbone).toBe(true);
    expect(out.report.blocks.knn.figures[0].bankRows).toBe((patchcore.training?.resolvedConfig.memoryBank as { size: number }).size);
  });

  it('reports a model the trainer refuses as failed, with the error', () => {
    const broken = out.report.models[2];
    expect(broken.status).toBe('failed');
    expect(broken.error).toMatch(/^fit: .*invalid patchcore config/);
    expect(broken.accuracy).toBeNull();
    expect(broken.inference).toBeNull();
  });

  it('measures the building blocks through the libraries\' bench scripts', () => {
    const b = out.report.blocks;
    expect(b.decode.status).toBe('ok');
    expect(b.decode.imagesPerSecond).toBeGreaterThan(0);
    expect(b.backbone.status).toBe('ok');
    expect(b.backbone.figures.length).toBeGreaterThan(0);
    expect(b.metrics.status).toBe('ok');
    expect(b.metrics.n).toBe(20_000);
    expect(b.knn.status).toBe('ok');
    expect(b.knn.figures[0].queriesPerSecond).toBeGreaterThan(0);
  });

  it('writes a Markdown table with every model, and --compare prints one ratio line per figure', async () => {
    const md = await fs.readFile(out.markdownFile, 'utf8');
    for (const m of out.report.models) expect(md).toContain(`| ${m.id} | ${m.status} |`);
    expect(md).toContain(out.report.machine.cpu);

    const same = compareReports(out.report, await readReport(out.jsonFile));
    const figures = flattenFigures(out.report);
    expect(figures.size).toBeGreaterThan(20);
    const ratioLines = same.filter((l) => / x\d/.test(l));
    expect(ratioLines).toHaveLength(figures.size);
    expect(ratioLines.every((l) => l.endsWith('x1.000'))).toBe(true);
    expect(same.some((l) => l.startsWith('demo-lens/patchcore-broken: failed'))).toBe(true);

    const slower: TBenchReport = JSON.parse(JSON.stringify(out.report));
    const inf = slower.models[0].inference;
    if (inf) inf.withBackbone.p50 *= 2;
    const lines = compareReports(out.report, slower);
    expect(lines.find((l) => l.startsWith('demo-lens/patchcore-small latency p50 ms (with backbone):'))).toMatch(/x2\.000$/);
  });
});

describe('parseBenchArgs', () => {
  it('reads the flags and refuses unknown ones', () => {
    expect(parseBenchArgs(['--quick', '--only', 'patchcore,csflow', '--compare', 'a.json'])).toMatchObject({ quick: true, only: ['patchcore', 'csflow'], compare: 'a.json' });
    expect(() => parseBenchArgs(['--fast'])).toThrow(/unknown flag --fast/);
    expect(() => parseBenchArgs(['--out'])).toThrow(/--out needs a value/);
  });

  it('reads --config-override as a JSON object and refuses anything else', () => {
    expect(parseBenchArgs(['--config-override', '{"coresetRatio":0.01}']).configOverride).toEqual({ coresetRatio: 0.01 });
    expect(() => parseBenchArgs(['--config-override', '[1]'])).toThrow(/--config-override needs a JSON object/);
    expect(() => parseBenchArgs(['--config-override', '{coresetRatio'])).toThrow(/--config-override needs a JSON object/);
  });
});

describe('withConfigOverride', () => {
  const spec = { model: 'patchcore' as const, preset: 'paper', config: { preset: 'paper' }, imageSize: 224, reductions: [] };
  it('merges the keys into the config and records the change among the reductions', () => {
    expect(withConfigOverride(spec, { coresetRatio: 0.01 })).toEqual({
      ...spec,
      config: { preset: 'paper', coresetRatio: 0.01 },
      reductions: ['config override {"coresetRatio":0.01} (not the paper preset as shipped)'],
    });
  });
  it('leaves a spec without an override as it is', () => {
    expect(withConfigOverride(spec, undefined)).toBe(spec);
  });
});
