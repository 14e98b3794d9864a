/**
 * End to end through the API on the real PostgreSQL, with real trainer worker processes
 * (apps/trainer/src/worker.ts, spawned like any remote worker: an API URL and a worker token):
 * import a generated dataset, submit a small CS-Flow run, kill the first worker with SIGKILL mid-training
 * (the run is taken back and retried), let a second worker finish it, read the evaluation, relabel two
 * images, re-evaluate from stored scores and check the figures against libs/metrics; then cancel a running
 * job, see a config the model schema rejects refused with 400 naming the field, and a run fail cleanly when the
 * artifact store cannot be read.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { ZEvaluation, ZRun, type TEvaluation, type TRun } from '@defectlab/contracts';
import { generateDemoDataset } from '@defectlab/datasets';
import { auroc, fitAndApplyOperatingPoints } from '@defectlab/metrics';
import { startTestApi, type TestApi } from './support/api-harness';
import { dropQueueSchema, overrideEnv } from './support/run-fixtures';
import { assertPostgresReachable, TEST_DATABASES } from './support/test-databases';

beforeAll(assertPostgresReachable);

const REPO = path.resolve(__dirname, '..', '..', '..');
const HEARTBEAT_TIMEOUT_S = 4;
/** Small enough for 2 shared cores: 64 px images, the CS-Flow small preset (128 px input) for one epoch. */
const CONFIG = { preset: 'small', epochs: 1 };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const testDb = TEST_DATABASES.map((make) => make()).find((d) => d.name === 'postgres');
if (!testDb) throw new Error('no PostgreSQL test database');

describe('runs end to end on PostgreSQL with real worker processes', () => {
  let api: TestApi;
  let baseUrl: string;
  let engineer: Record<string, string>;
  let workerToken: string;
  let versionId: string;
  const workers: ChildProcess[] = [];
  const workerLogs = new Map<string, string[]>();
  let restoreEnv: () => void = () => undefined;

  beforeAll(async () => {
    restoreEnv = overrideEnv({ DEFECTLAB_RUN_HEARTBEAT_TIMEOUT_S: String(HEARTBEAT_TIMEOUT_S), DEFECTLAB_RUN_REAPER_INTERVAL_S: '0.5' });
    api = await startTestApi(testDb.fresh());
    await api.created.app.listen(0, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${(api.created.app.getHttpServer().address() as AddressInfo).port}`;
    engineer = await api.auth('engineer');
    workerToken = (await api.auth('worker')).Authorization.replace(/^Bearer /, '');
    await generateDemoDataset({ productLine: 'lens', seed: 5, size: 64, counts: { trainGood: 16, testGood: 8, testDefective: 8 } }, path.join(api.importRoot, 'lens-e2e'));
    const imported = await api.http.post('/api/datasets/import').set(engineer).send({ path: 'lens-e2e', name: 'lens e2e', productLine: 'lens' }).expect(201);
    versionId = imported.body.version.id;
    // the product line's target adds its own operating points to every evaluation
    await api.http.post('/api/targets').set(await api.auth('admin')).send({ productLine: 'lens', maxMissRate: 0.1, maxOverkillRate: 0.2, maxSizeBytes: 1e9, maxLatencyMs: 1000 }).expect(201);
  });
  afterAll(async () => {
    for (const w of workers) if (w.exitCode === null && w.signalCode === null) w.kill('SIGKILL');
    await api?.close();
    if (api?.config.database.kind === 'postgres') await dropQueueSchema(api.config.database.schema);
    await testDb.cleanup();
    restoreEnv();
  });

  function startWorker(id: string): ChildProcess {
    const env: NodeJS.ProcessEnv = { ...process.env, DEFECTLAB_API_URL: baseUrl, DEFECTLAB_WORKER_TOKEN: workerToken, DEFECTLAB_WORKER_ID: id };
    delete env['NODE_OPTIONS'];
    const w = spawn(process.execPath, ['-r', './tools/scripts/register.cjs', 'apps/trainer/src/worker.ts'], { cwd: REPO, env, stdio: ['ignore', 'ignore', 'pipe'] });
    const lines: string[] = [];
    workerLogs.set(id, lines);
    w.stderr?.setEncoding('utf8').on('data', (d: string) => lines.push(...d.split('\n').filter(Boolean)));
    workers.push(w);
    return w;
  }
  const logsOf = (id: string) => (workerLogs.get(id) ?? []).slice(-40).join('\n');

  const getRun = async (id: string): Promise<TRun> => ZRun.parse((await api.http.get(`/api/runs/${id}`).set(engineer).expect(200)).body);
  async function waitFor(id: string, what: string, ok: (r: TRun) => boolean, seconds: number, workerId: string): Promise<TRun> {
    const until = Date.now() + seconds * 1000;
    for (;;) {
      const run = await getRun(id);
      if (ok(run)) return run;
      const ended = run.status !== 'queued' && run.status !== 'running';
      if (ended || Date.now() > until) throw new Error(`run ${id} not ${what} after ${seconds} s: ${JSON.stringify(run)}\nworker log:\n${logsOf(workerId)}`);
      await sleep(250);
    }
  }
  const submit = async (config: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
    ZRun.parse((await api.http.post('/api/runs').set(engineer).send({ kind: 'csflow', datasetVersionId: versionId, backbone: 'default', config, seed: 1, ...extra }).expect(201)).body);

  let evaluation: TEvaluation;

  it('trains a run through a worker; a worker killed mid-training loses the run to a retry that resumes from its checkpoint and succeeds', async () => {
    const run = await submit({ ...CONFIG, epochs: 6 }, { maxAttempts: 2 });
    const first = startWorker('e2e-w1');
    // wait until training has stored a checkpoint, then kill the worker without warning
    await waitFor(run.id, 'training', (r) => r.status === 'running' && r.progress !== null && /train|features/.test(r.progress.phase), 240, 'e2e-w1');
    const checkpointStored = async () =>
      ((await api.http.get(`/api/runs/${run.id}/artifacts`).set(engineer).expect(200)).body.items as { kind: string }[]).some((a) => a.kind === 'checkpoint');
    for (const until = Date.now() + 240_000; !(await checkpointStored()); await sleep(200)) {
      if (Date.now() > until) throw new Error(`no checkpoint stored:\n${logsOf('e2e-w1')}`);
    }
    first.kill('SIGKILL');
    const killedAt = Date.now();
    const requeued = await waitFor(run.id, 'taken back', (r) => r.status === 'queued', HEARTBEAT_TIMEOUT_S + 10, 'e2e-w1');
    expect(requeued).toMatchObject({ status: 'queued', attempts: 1 });
    expect(requeued.error).toMatch(/worker e2e-w1 stopped sending heartbeats/);
    expect(Date.now() - killedAt).toBeLessThan((HEARTBEAT_TIMEOUT_S + 3) * 1000);

    startWorker('e2e-w2');
    const done = await waitFor(run.id, 'finished', (r) => r.status === 'succeeded', 300, 'e2e-w2');
    expect(done).toMatchObject({ status: 'succeeded', attempts: 2, workerId: 'e2e-w2', error: null });
    expect(workerLogs.get('e2e-w2')?.join('\n')).toMatch(/resuming from checkpoint \S+ of an earlier attempt \(epoch [1-6] completed\)/);
    expect(done.trainingBackend).toMatch(/^onnxruntime-node \d/);
    expect(done.resolvedConfig).toMatchObject({ epochs: 6, inputSize: 128 });
    expect(done.fitReport).toMatchObject({ epochs: 6, inputSize: 128 });
    expect(done.backbone?.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(done.codeVersion).toMatch(/^[0-9a-f]{40}/);
    expect(done.hardware).toMatchObject({ logicalCores: expect.any(Number) });

    const progress = (await api.http.get(`/api/runs/${run.id}/progress`).set(engineer).expect(200)).body.items as { phase: string; loss: number | null }[];
    expect(progress.some((p) => p.phase === 'train' && p.loss !== null)).toBe(true);
    const kinds = (await api.http.get(`/api/runs/${run.id}/artifacts`).set(engineer).expect(200)).body.items.map((a: { kind: string }) => a.kind);
    expect(kinds).toEqual(expect.arrayContaining(['weights', 'onnx', 'report', 'log', 'anomaly_map']));

    const evs = (await api.http.get(`/api/runs/${run.id}/evaluations`).set(engineer).expect(200)).body.items;
    expect(evs).toHaveLength(1);
    evaluation = ZEvaluation.parse(evs[0]);
    // one prediction per validation and test image (the split rule's counts, recorded with the evaluation)
    const counts = evaluation.runtime?.['counts'] as { validationGood: number; validationDefective: number; testGood: number; testDefective: number };
    expect(evaluation.predictionCount).toBe(counts.validationGood + counts.validationDefective + counts.testGood + counts.testDefective);
    expect(counts.testGood + counts.testDefective + counts.validationDefective).toBe(16);
    expect(evaluation.metrics.find((m) => m.name === 'image_auroc' && m.split === 'test')?.value).toEqual(expect.any(Number));
    expect(evaluation.operatingPoints.map((p) => p.name)).toEqual(expect.arrayContaining(['miss=0', 'f1-max', 'oracle:f1-max', 'miss<=10%', 'overkill<=20%']));
    // every prediction has its anomaly map as a PNG artifact at the model's input size
    const preds = (await api.http.get(`/api/evaluations/${evaluation.id}/predictions?pageSize=500`).set(engineer).expect(200)).body.items as { anomalyMapArtifactId: string | null }[];
    expect(preds.every((p) => p.anomalyMapArtifactId !== null)).toBe(true);
    const png = await api.http.get(`/api/artifacts/${preds[0].anomalyMapArtifactId}/content`).set(engineer).buffer(true).parse((res, cb) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => cb(null, Buffer.concat(chunks)));
    }).expect(200);
    expect(png.headers['content-type']).toMatch(/image\/png/);
    const body = png.body as Buffer;
    expect(body.subarray(1, 4).toString()).toBe('PNG');
    expect([body.readUInt32BE(16), body.readUInt32BE(20)]).toEqual([128, 128]);
    expect(evaluation.latency?.p50).toBeGreaterThan(0);
    expect(evaluation.sizeBytes).toBeGreaterThan(0);
  }, 600_000);

  it('re-evaluates after relabeling two images, and the figures change as libs/metrics says', async () => {
    type Row = { imageId: string; relPath: string; split: 'validation' | 'test'; score: number; label: 'good' | 'defective' };
    const before = (await api.http.get(`/api/evaluations/${evaluation.id}/predictions?pageSize=500`).set(engineer).expect(200)).body.items as Row[];
    const test = before.filter((p) => p.split === 'test');
    // flip the highest-scoring good test image to defective and the lowest-scoring defective one to good
    const good = test.filter((p) => p.label === 'good').sort((a, b) => b.score - a.score)[0];
    const bad = test.filter((p) => p.label === 'defective').sort((a, b) => a.score - b.score)[0];
    const curator = await api.auth('curator');
    const commit = await api.http
      .post(`/api/versions/${versionId}/changes`)
      .set(curator)
      .send({ changes: [{ imageId: good.imageId, value: 'defective', defectType: 'scratch', reason: 'e2e: scratch found' }, { imageId: bad.imageId, value: 'good', reason: 'e2e: not a defect' }] })
      .expect(201);
    const v2 = commit.body.version.id as string;
    const re = ZEvaluation.parse((await api.http.post(`/api/evaluations/${evaluation.id}/reevaluate`).set(engineer).send({ datasetVersionId: v2 }).expect(201)).body);
    expect(re).toMatchObject({ sourceEvaluationId: evaluation.id, datasetVersion: { id: v2 }, predictionCount: evaluation.predictionCount });

    const relabeled = before.map((p) => (p.imageId === good.imageId ? { ...p, label: 'defective' as const } : p.imageId === bad.imageId ? { ...p, label: 'good' as const } : p));
    const set = (rows: Row[], split: string) => {
      const r = rows.filter((p) => p.split === split);
      return { predScores: r.map((p) => p.score), gtLabels: r.map((p) => (p.label === 'defective' ? 1 : 0)) };
    };
    const oldAuroc = auroc(set(before, 'test').predScores, set(before, 'test').gtLabels);
    const newAuroc = auroc(set(relabeled, 'test').predScores, set(relabeled, 'test').gtLabels);
    expect(newAuroc).not.toBe(oldAuroc);
    expect(re.metrics.find((m) => m.name === 'image_auroc' && m.split === 'test')?.value).toBeCloseTo(newAuroc as number, 12);
    expect(evaluation.metrics.find((m) => m.name === 'image_auroc' && m.split === 'test')?.value).toBeCloseTo(oldAuroc as number, 6);
    for (const p of re.operatingPoints) {
      const [expected] = fitAndApplyOperatingPoints(set(relabeled, p.oracle ? 'test' : 'validation'), set(relabeled, 'test'), [p.rule.kind === 'fixed' ? { kind: 'fixed', threshold: Number(p.rule.threshold) } : p.rule]);
      expect(p.threshold).toBe(expected.threshold === Infinity ? '+Infinity' : expected.threshold);
      expect(p.counts).toMatchObject({ tp: expected.applied.tp, fp: expected.applied.fp, tn: expected.applied.tn, fn: expected.applied.fn });
      expect(p.datasetVersionId).toBe(v2);
    }
  }, 120_000);

  it('reproduces the scores when the same config runs again on the same data version', async () => {
    const first = await getRun(evaluation.runId);
    const again = await submit(first.config['config'] as Record<string, unknown>, { maxAttempts: 1 });
    await waitFor(again.id, 'finished', (r) => r.status === 'succeeded', 300, 'e2e-w2');
    const ev = ZEvaluation.parse((await api.http.get(`/api/runs/${again.id}/evaluations`).set(engineer).expect(200)).body.items[0]);
    type Row = { imageId: string; score: number };
    const scores = async (id: string) =>
      new Map(((await api.http.get(`/api/evaluations/${id}/predictions?pageSize=500`).set(engineer).expect(200)).body.items as Row[]).map((p) => [p.imageId, p.score]));
    const [a, b] = [await scores(evaluation.id), await scores(ev.id)];
    expect([...b.keys()].sort()).toEqual([...a.keys()].sort());
    const worst = Math.max(...[...a].map(([id, s]) => Math.abs(s - (b.get(id) as number)) / Math.max(1e-12, Math.abs(s))));
    process.stderr.write(`e2e reproducibility: largest relative score difference ${worst.toExponential(2)}\n`);
    expect(worst).toBeLessThanOrEqual(1e-4);
  }, 400_000);

  it('cancels a running job within seconds, and refuses a model config the library rejects with the field named', async () => {
    const run = await submit({ ...CONFIG, epochs: 50 });
    await waitFor(run.id, 'training', (r) => r.status === 'running' && r.progress !== null && /train/.test(r.progress.phase), 240, 'e2e-w2');
    const asked = Date.now();
    await api.http.post(`/api/runs/${run.id}/cancel`).set(engineer).expect(200);
    const ended = await waitFor(run.id, 'cancelled', (r) => r.status === 'cancelled', 20, 'e2e-w2');
    expect(ended.status).toBe('cancelled');
    expect(Date.now() - asked).toBeLessThan(10_000);

    // a config the model's schema rejects never reaches a worker: 400 at submission, naming the field
    const bad = await api.http.post('/api/runs').set(engineer).send({ kind: 'csflow', datasetVersionId: versionId, config: { preset: 'small', epochs: -2 } }).expect(400);
    expect(bad.body.issues.map((i: { path: string }) => i.path)).toEqual(['body.config.epochs']);
  }, 400_000);

  it('fails a run cleanly, with the reason, when the artifact store cannot be read', async () => {
    const dir = api.config.storage.artifactsDir;
    renameSync(dir, `${dir}.away`);
    writeFileSync(dir, 'not a folder'); // every read and write of the store fails
    try {
      const run = await submit(CONFIG);
      const failed = await waitFor(run.id, 'failed', (r) => r.status === 'failed', 60, 'e2e-w2');
      expect(failed.error).toMatch(/500/);
      expect(failed.finishedAt).not.toBeNull();
    } finally {
      rmSync(dir, { force: true });
      renameSync(`${dir}.away`, dir);
    }
  }, 120_000);
});
