/**
 * A real sweep through the trainer (no dry run): PatchCore (small preset, the npm-only default backbone) on a
 * tiny generated data set over cropMode none / random; every run is trained, recorded in sweep.json, and its
 * manifest carries the crop setting in its resolved config and the crop deviation (only where crops are on).
 */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { generateDemoDataset } from '@defectlab/datasets';
import { readManifest } from '../run/run-manifest';
import { parseArgs, type SweepCommand } from './parse-args';
import { SWEEP_FILE, runSweep, type SweepPlan } from './sweep-command';

let tmp: string;
beforeAll(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'trainer-sweep-'));
  await generateDemoDataset({ productLine: 'lens', seed: 5, size: 64, counts: { trainGood: 6, testGood: 2, testDefective: 2 } }, path.join(tmp, 'lens'));
}, 300_000);
afterAll(() => fs.rm(tmp, { recursive: true, force: true }));

// generous: CPU-bound training on a shared, busy machine
it('trains every grid point and records each run with its crop setting', async () => {
  const out = path.join(tmp, 'sweep');
  const cmd = parseArgs([
    'sweep', '--kind', 'patchcore', '--grid', '{"cropMode":["none","random"]}', '--config', '{"preset":"small","inputSize":64,"cropFraction":0.5,"cropsPerImage":2}',
    '--data', path.join(tmp, 'lens'), '--backbone', 'default', '--out', out, '--seed', '1',
  ]) as SweepCommand;
  const lines: string[] = [];
  const plan = await runSweep(cmd, (l) => lines.push(l));
  expect(plan.runs.map((r) => r.status)).toEqual(['succeeded', 'succeeded']);
  const written = JSON.parse(await fs.readFile(path.join(out, SWEEP_FILE), 'utf8')) as SweepPlan;
  expect(written.runs.map((r) => r.status)).toEqual(['succeeded', 'succeeded']);
  const decoded = lines.map((l) => /decoded (\d+) training images into (\d+) random crops/.exec(l)).find((m) => m !== null);
  expect(decoded).toBeDefined();
  const [, images, crops] = decoded as RegExpExecArray;
  expect(Number(images)).toBeGreaterThan(0);
  expect(Number(crops)).toBe(2 * Number(images)); // cropsPerImage 2
  const [whole, cropped] = await Promise.all(plan.runs.map((r) => readManifest(r.dir)));
  expect(whole.runConfig.modelConfig).toMatchObject({ cropMode: 'none' });
  expect(cropped.runConfig.modelConfig).toMatchObject({ cropMode: 'random', cropFraction: 0.5, cropsPerImage: 2 });
  expect(whole.fit.deviations.some((d) => d.startsWith('crop augmentation'))).toBe(false);
  expect(cropped.fit.deviations).toContainEqual(expect.stringMatching(/^crop augmentation .*2 random crop\(s\) per training image, 50 %/));
  expect(cropped.fit.deviations).toContainEqual(expect.stringMatching(/^config differs from the paper preset: inputSize 64 \(paper: 224\)/));
}, 600_000);
