/**
 * fit + evaluate end to end on a small generated data set (libs/datasets' demo generator written as an
 * MVTec folder), with the npm-only default backbone: PatchCore through the real CLI process, CS-Flow, CFA,
 * FastFlow and CFlow-AD through the same command functions in-process, and the CLI's answers to bad input.
 */
import { spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PRESETS } from '@defectlab/csflow';
import { generateDemoDataset } from '@defectlab/datasets';
import { auroc } from '@defectlab/metrics';
import { parseArgs, type EvaluateCommand, type FitCommand } from './cli/parse-args';
import { runEvaluate, runFit } from './cli/run-command';
import { readAndCheckReport } from './testing/report-checks';

const REPO = path.resolve(__dirname, '..', '..', '..');

// Generous timeouts: on a busy 2-core machine (load average ~20) the PatchCore fit + evaluate test (two
// CLI processes) took 130 s and the bad-input test (five) 142 s; a slow machine must not fail them.
function cli(args: string[]) {
  return spawnSync(process.execPath, ['-r', './tools/scripts/register.cjs', 'apps/trainer/src/cli.ts', ...args], { cwd: REPO, encoding: 'utf8', timeout: 600_000 });
}

let tmp: string;
let data: string;

beforeAll(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'trainer-spec-'));
  data = path.join(tmp, 'lens');
  await generateDemoDataset({ productLine: 'lens', seed: 11, size: 128, counts: { trainGood: 24, testGood: 12, testDefective: 12 } }, data);
}, 300_000);

afterAll(async () => {
  await fs.rm(tmp, { recursive: true, force: true });
});

describe('trainer CLI on generated demo data', () => {
  it('fits and evaluates PatchCore (small preset) through the CLI process, writing a report that validates', async () => {
    const out = path.join(tmp, 'patchcore');
    const json = path.join(tmp, 'patchcore.json');
    const fit = cli(['fit', '--model', 'patchcore', '--data', data, '--backbone', 'default', '--config', '{"preset":"small"}', '--image-size', '128', '--seed', '3', '--out', out]);
    expect(fit.stderr).toContain('memory-bank');
    expect(fit.status).toBe(0);
    expect(fit.stdout.trim()).toBe(out);
    const ev = cli(['evaluate', '--model-dir', out, '--data', data, '--json', json, '--target-overkill', '10%']);
    expect(ev.stderr).toContain('scored test');
    expect(ev.status).toBe(0);

    const report = await readAndCheckReport(json, path.join(out, 'model.onnx'));
    expect(report.model.kind).toBe('patchcore');
    expect(report.model.seed).toBe(3);
    expect(report.model.input).toEqual({ width: 128, height: 128, mode: 'stretch' });
    expect(report.operatingPoints.map((p) => p.name)).toContain('overkill<=10%');
    const test = report.predictions.filter((p) => p.split === 'test');
    expect(report.imageAuroc).toBeCloseTo(auroc(test.map((p) => p.score), test.map((p) => (p.label === 'defective' ? 1 : 0))) as number, 12);
    // the demo defects are plain to see: a label or split mix-up would push this towards 0.5 or below
    expect(report.imageAuroc as number).toBeGreaterThan(0.8);
    expect(report.pixelAuroc).not.toBeNull();
    expect(report.pro).not.toBeNull();

    // without defect-aware validation, rules that need defects are omitted with a reason, and every
    // test defect is back in the test figures
    const noDefects = await runEvaluate(
      parseArgs(['evaluate', '--model-dir', out, '--data', data, '--json', path.join(tmp, 'patchcore-0.json'), '--validation-defect-share', '0', '--latency-runs', '2']) as EvaluateCommand,
      () => undefined,
    );
    expect(noDefects.omittedOperatingPoints.map((p) => p.name)).toEqual(['miss<=0.5%', 'miss=0', 'f1-max']);
    expect(noDefects.operatingPoints.map((p) => p.name)).toEqual(['oracle:f1-max']);
    expect(noDefects.dataset.counts.testDefective).toBe(report.dataset.counts.testDefective + report.dataset.counts.validationDefective);
    expect(noDefects.dataset.splitRuleText).toContain('cannot be fitted');
  }, 600_000);

  it('fits and evaluates CS-Flow (small preset, one epoch) through the same command functions; the fit records the validation split\'s figures', async () => {
    const out = path.join(tmp, 'csflow');
    const json = path.join(tmp, 'csflow.json');
    const lines: string[] = [];
    const log = (l: string) => lines.push(l);
    const fitCmd = parseArgs(['fit', '--model', 'csflow', '--data', data, '--backbone', 'default', '--config', '{"preset":"small","epochs":1}', '--out', out]) as FitCommand;
    const fitted = await runFit(fitCmd, log);
    expect(fitted.manifest.runConfig.modelConfig).toMatchObject({ preset: 'small', epochs: 1, featureChannels: PRESETS.small.featureChannels });
    expect(lines.some((l) => l.startsWith('train epoch 1/1'))).toBe(true);
    expect(lines.some((l) => /epoch 1\/1 mean loss .*, validation loss .*, validation AUROC [01]\.\d{3}/.test(l))).toBe(true);
    const training = fitted.manifest.fit.resolvedConfig['training'] as { validationAuroc: (number | null)[]; validationLosses: (number | null)[]; validationImages: { good: number; defective: number } };
    const counts = fitted.manifest.dataset.counts;
    // the validation split, never the test split (the two differ in size here)
    expect(training.validationImages).toEqual({ good: counts.validationGood, defective: counts.validationDefective });
    expect(counts.validationGood).toBeGreaterThan(0);
    expect(counts.validationDefective).toBeGreaterThan(0);
    expect(counts.testGood + counts.testDefective).not.toBe(counts.validationGood + counts.validationDefective);
    expect(training.validationLosses).toHaveLength(1);
    expect(Number.isFinite(training.validationLosses[0])).toBe(true);
    const evCmd = parseArgs(['evaluate', '--model-dir', out, '--data', data, '--json', json, '--latency-runs', '5']) as EvaluateCommand;
    await runEvaluate(evCmd, log);
    const report = await readAndCheckReport(json, path.join(out, 'model.onnx'));
    expect(report.model.kind).toBe('csflow');
    // the epoch's AUROC is the evaluation's on the validation split: same images, same score, the kept (last) weights
    const val = report.predictions.filter((p) => p.split === 'validation');
    expect(training.validationAuroc).toEqual([auroc(val.map((p) => p.score), val.map((p) => (p.label === 'defective' ? 1 : 0)))]);
    expect(report.exportIncludesBackbone).toBe(true);
    expect(report.latencyMs.n).toBe(5);
    expect(report.backend).toMatch(/^onnxruntime-node \d/);
  }, 600_000);

  it('a CS-Flow fit resumed from its checkpoint keeps the validation history (validateEvery does not block the resume)', async () => {
    const ck = path.join(tmp, 'csflow-ck');
    type Training = { trainLosses: number[]; validationAuroc: (number | null)[]; validationLosses: (number | null)[]; resumedFromEpoch: number; epochsRun?: number };
    const fit = async (config: object, out: string): Promise<Training> => {
      const cmd = parseArgs(['fit', '--model', 'csflow', '--data', data, '--backbone', 'default', '--config', JSON.stringify(config), '--checkpoint-dir', ck, '--out', path.join(tmp, out)]) as FitCommand;
      const { fit: report } = (await runFit(cmd, () => undefined)).manifest;
      return { ...(report.resolvedConfig['training'] as Training), epochsRun: report.epochsRun };
    };
    const first = await fit({ preset: 'small', epochs: 1 }, 'csflow-ck-1');
    // validateEvery 2 would skip epoch 1: its figures can only come from the checkpoint
    const second = await fit({ preset: 'small', epochs: 2, validateEvery: 2 }, 'csflow-ck-2');
    // the manifest counts the epochs the model was trained for, the restored one included
    expect([first.resumedFromEpoch, first.epochsRun]).toEqual([0, 1]);
    expect([second.resumedFromEpoch, second.epochsRun]).toEqual([1, 2]);
    expect(second.trainLosses[0]).toBe(first.trainLosses[0]);
    expect(second.validationAuroc[0]).toBe(first.validationAuroc[0]);
    expect(second.validationLosses[0]).toBe(first.validationLosses[0]);
    expect(second.validationAuroc).toHaveLength(2);
    expect(second.validationAuroc[1]).toEqual(expect.any(Number)); // the last epoch is always validated
  }, 600_000);

  it('fits and evaluates CFA (small preset, one epoch) through the same command functions', async () => {
    const out = path.join(tmp, 'cfa');
    const json = path.join(tmp, 'cfa.json');
    const lines: string[] = [];
    const log = (l: string) => lines.push(l);
    const fitCmd = parseArgs(['fit', '--model', 'cfa', '--data', data, '--backbone', 'default', '--config', '{"preset":"small","epochs":1}', '--image-size', '128', '--out', out]) as FitCommand;
    const fitted = await runFit(fitCmd, log);
    expect(fitted.manifest.runConfig.modelConfig).toMatchObject({ preset: 'small', epochs: 1 });
    // the trainer passes the validation split, so CFA's selection by validation loss takes place
    expect(fitted.manifest.fit.resolvedConfig['training']).toMatchObject({ epochsRun: 1, keptEpoch: 1, validationLosses: [expect.any(Number)] });
    const evCmd = parseArgs(['evaluate', '--model-dir', out, '--data', data, '--json', json, '--latency-runs', '3']) as EvaluateCommand;
    await runEvaluate(evCmd, log);
    const report = await readAndCheckReport(json, path.join(out, 'model.onnx'));
    expect(report.model.kind).toBe('cfa');
    expect(report.backend).toMatch(/^onnxruntime-node \d/);
    expect(report.imageAuroc).not.toBeNull();
  }, 600_000);

  it.each([
    ['fastflow', { preset: 'small', epochs: 1 }],
    ['cflow', { preset: 'small', metaEpochs: 1, subEpochs: 1 }],
  ])('fits and evaluates %s (small preset, the ONNX training graph) through the same command functions', async (kind, config) => {
    const out = path.join(tmp, kind);
    const json = path.join(tmp, `${kind}.json`);
    const fitCmd = parseArgs(['fit', '--model', kind, '--data', data, '--backbone', 'default', '--config', JSON.stringify({ ...config, scoreMode: 'topk' }), '--out', out]) as FitCommand;
    const fitted = await runFit(fitCmd, () => undefined);
    expect(fitted.manifest.runConfig.modelConfig).toMatchObject({ ...config, scoreMode: 'topk', inputSize: 128 });
    await runEvaluate(parseArgs(['evaluate', '--model-dir', out, '--data', data, '--json', json, '--latency-runs', '3']) as EvaluateCommand, () => undefined);
    const report = await readAndCheckReport(json, path.join(out, 'model.onnx'));
    expect(report.model.kind).toBe(kind);
    expect(report.exportIncludesBackbone).toBe(true);
    expect(report.backend).toMatch(/onnxruntime-node training graph/);
    expect(report.imageAuroc).not.toBeNull();
  }, 600_000);

  it('exits with code 2 and one clear line on bad input', async () => {
    const base = ['--backbone', 'default', '--out', path.join(tmp, 'bad')];
    const missing = cli(['fit', '--model', 'patchcore', '--data', path.join(tmp, 'nope'), ...base]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/nope.*does not exist/);

    const unknown = cli(['fit', '--model', 'resnet', '--data', data, ...base]);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('unknown model "resnet"; available: csflow, patchcore, cfa');

    const badConfig = cli(['fit', '--model', 'csflow', '--data', data, '--config', '{"epochs":-2}', ...base]);
    expect(badConfig.status).toBe(2);
    expect(badConfig.stderr).toContain('config.epochs');

    const broken = path.join(tmp, 'broken');
    await fs.cp(data, broken, { recursive: true });
    const victim = path.join(broken, 'train', 'good', '005.png');
    await fs.writeFile(victim, 'not a png');
    const unreadable = cli(['fit', '--model', 'patchcore', '--data', broken, '--image-size', '128', ...base]);
    expect(unreadable.status).toBe(2);
    expect(unreadable.stderr).toContain(victim);
    expect(unreadable.stderr).not.toMatch(/\n\s+at /); // no stack trace for user errors

    const noRun = cli(['evaluate', '--model-dir', tmp, '--data', data, '--json', path.join(tmp, 'x.json')]);
    expect(noRun.status).toBe(2);
    expect(noRun.stderr).toContain('run.json');
  }, 900_000);
});
