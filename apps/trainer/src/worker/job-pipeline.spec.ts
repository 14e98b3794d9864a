/**
 * The worker's job pipeline (job-child.ts) on a small generated data set with the default backbone: one
 * fit, the fitted model evaluated in memory, the maps from the same scoring pass; every message it sends
 * is a valid ZJobChildMessage and progress arrives as structs.
 */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { generateDemoDataset } from '@defectlab/datasets';
import { resolveUserConfig } from '../model-registry';
import { evaluateRun } from '../evaluation/evaluate-run';
import { runJobPipeline } from './job-child';
import { ZJobChildMessage, toProgressReport, type JobChildMessage } from './job-messages';

let tmp: string;
let data: string;

beforeAll(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'job-pipeline-spec-'));
  data = path.join(tmp, 'lens');
  await generateDemoDataset({ productLine: 'lens', seed: 5, size: 96, counts: { trainGood: 16, testGood: 8, testDefective: 8 } }, data);
}, 300_000);

afterAll(async () => {
  await fs.rm(tmp, { recursive: true, force: true });
});

describe('the job pipeline', () => {
  it('fits once, evaluates the model in memory, writes the maps of the one scoring pass, and reports typed progress', async () => {
    const messages: JobChildMessage[] = [];
    const out = path.join(tmp, 'out');
    await runJobPipeline(
      {
        fit: { model: 'patchcore', data, backbone: 'default', modelConfig: resolveUserConfig('patchcore', { preset: 'small' }, 1, 96), out },
        evaluate: { data, json: path.join(tmp, 'evaluation.json'), latencyRuns: 2, latencyWarmup: 1 },
        anomalyMapsDir: path.join(tmp, 'maps'),
      },
      (m) => messages.push(ZJobChildMessage.parse(JSON.parse(JSON.stringify(m)))),
    );
    const types = messages.map((m) => m.type).filter((t) => t !== 'log' && t !== 'progress');
    expect(types).toEqual(['fitted', 'evaluated', 'maps']);
    const progress = messages.flatMap((m) => (m.type === 'progress' ? [m.report] : []));
    expect(progress.some((p) => p.phase === 'memory-bank' || p.phase === 'coreset')).toBe(true);
    // each split is scored once: the evaluate reports count up to each split's size, once per split
    const evaluated = messages.find((m) => m.type === 'evaluated');
    if (evaluated?.type !== 'evaluated') throw new Error('no evaluation');
    const counts = evaluated.report.dataset.counts;
    const finals = progress.filter((p) => p.phase === 'evaluate' && p.step === p.steps).map((p) => `${p.message} ${p.steps}`);
    expect(finals).toEqual([`scoring validation ${counts.validationGood + counts.validationDefective}`, `scoring test ${counts.testGood + counts.testDefective}`]);
    const maps = messages.find((m) => m.type === 'maps');
    expect(maps?.type === 'maps' && maps.files.length).toBe(evaluated.report.predictions.length);
    // the model was saved once, and evaluating the saved folder gives the scores of the in-memory evaluation
    const again = await evaluateRun({ modelDir: out, data, latencyRuns: 1, latencyWarmup: 0 }, () => undefined);
    expect(again.predictions.map((p) => p.score)).toEqual(evaluated.report.predictions.map((p) => p.score));
  }, 600_000);

  it('turns a model progress struct into the API report (no text in between)', () => {
    expect(toProgressReport({ phase: 'train', epoch: 2, epochs: 5, step: 3, steps: 9, loss: 0.25, throughput: 4.5, etaSeconds: 12.5 })).toEqual({
      phase: 'train', epoch: 2, epochs: 5, step: 3, steps: 9, loss: 0.25, throughput: 4.5, etaSeconds: 12.5,
    });
    expect(toProgressReport({ phase: 'train', loss: NaN, etaSeconds: -3, message: 'x'.repeat(3000) })).toEqual({ phase: 'train', etaSeconds: 0, message: 'x'.repeat(2000) });
  });
});
