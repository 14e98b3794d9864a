/**
 * The run lifecycle through HTTP, with the worker protocol driven by the test itself (a scripted worker):
 * invalid configs, claim / heartbeat / progress / artifacts / evaluation / complete, long-poll claims,
 * cancellation (queued and running), the reaper (retry from the last checkpoint, then failed with the reason),
 * ownership checks, and re-evaluation from stored scores after relabeling.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ZArtifact, ZClaimResult, ZEvaluation, ZEvaluationList, ZRun, ZRunPage, ZWorkerAck, resolveModelConfig, type TWorkerJob } from '@defectlab/contracts';
import { readMask, resizeMask } from '@defectlab/datasets';
import { confusionAtThreshold, pixelMetrics } from '@defectlab/metrics';
import sharp from 'sharp';
import { startTestApi, type TestApi } from './support/api-harness';
import { writeFixtureDataset } from './support/mvtec-fixtures';
import { dropQueueSchema, overrideEnv, fakeReport, pairwiseAuroc, type FakePrediction } from './support/run-fixtures';
import { assertPostgresReachable, TEST_DATABASES } from './support/test-databases';


beforeAll(assertPostgresReachable);

const HEARTBEAT_TIMEOUT_S = 2;
/** DEFECTLAB_ARTIFACT_MAX_BYTES_LOG of the test API. */
const LOG_CAP = 64 * 1024;
const WORKER = { hardware: { cpu: 'test' }, runtime: { node: process.version }, codeVersion: 'test-commit' };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each(TEST_DATABASES.map((make) => [make().name, make] as const))('runs and the worker protocol on %s', (_name, make) => {
  const testDb = make();
  let api: TestApi;
  let engineer: Record<string, string>;
  let curator: Record<string, string>;
  let viewer: Record<string, string>;
  let worker: Record<string, string>;
  /** The lease token of each worker id's latest claim. */
  const leases = new Map<string, string>();
  /** Headers of a worker call about the run `workerId` claimed: the worker token and that claim's lease. */
  const as = (workerId: string) => ({ ...worker, 'x-lease-token': leases.get(workerId) ?? 'lease_of-no-claim' });
  let versionId: string;
  let labels: Map<string, { imageId: string; value: string; split: string }>;
  let restoreEnv: () => void = () => undefined;

  beforeAll(async () => {
    restoreEnv = overrideEnv({ DEFECTLAB_RUN_HEARTBEAT_TIMEOUT_S: String(HEARTBEAT_TIMEOUT_S), DEFECTLAB_RUN_REAPER_INTERVAL_S: '0.25' });
    api = await startTestApi(testDb.fresh(), { env: { DEFECTLAB_ARTIFACT_MAX_BYTES_LOG: String(LOG_CAP) } });
    engineer = await api.auth('engineer');
    curator = await api.auth('curator');
    viewer = await api.auth('viewer');
    worker = await api.auth('worker');
    await writeFixtureDataset(path.join(api.importRoot, 'lens'));
    const imported = await api.http.post('/api/datasets/import').set(engineer).send({ path: 'lens', name: 'lens', productLine: 'lens' }).expect(201);
    versionId = imported.body.version.id;
    const page = await api.http.get(`/api/versions/${versionId}/labels?pageSize=500`).set(viewer).expect(200);
    labels = new Map(page.body.items.map((l: { relPath: string; imageId: string; value: string; split: string }) => [l.relPath, l]));
  });
  afterAll(async () => {
    await api?.close();
    if (api?.config.database.kind === 'postgres') await dropQueueSchema(api.config.database.schema);
    await testDb.cleanup();
    restoreEnv();
  });

  const submit = (body: Record<string, unknown> = {}) =>
    api.http.post('/api/runs').set(engineer).send({ kind: 'csflow', datasetVersionId: versionId, config: { preset: 'small' }, ...body });
  const claim = async (workerId: string, waitSeconds = 2): Promise<TWorkerJob | null> => {
    const job = ZClaimResult.parse((await api.http.post('/api/worker/claim').set(worker).send({ workerId, waitSeconds, worker: WORKER }).expect(200)).body).job;
    if (job) leases.set(workerId, job.leaseToken);
    return job;
  };
  const beat = async (runId: string, workerId: string) =>
    ZWorkerAck.parse((await api.http.post(`/api/worker/runs/${runId}/heartbeat`).set(as(workerId)).send({ workerId }).expect(200)).body);
  const getRun = async (runId: string) => ZRun.parse((await api.http.get(`/api/runs/${runId}`).set(viewer).expect(200)).body);
  const waitForStatus = async (runId: string, status: string, seconds: number) => {
    const until = Date.now() + seconds * 1000;
    for (;;) {
      const run = await getRun(runId);
      if (run.status === status || Date.now() > until) return run;
      await sleep(100);
    }
  };

  it('rejects an invalid config with a 400 naming the field, and stores nothing', async () => {
    const before = (await api.http.get('/api/runs').set(viewer).expect(200)).body.total;
    const bad = await submit({ seed: -1, splitRule: { validationFractionGood: 2 }, config: { preset: 7 } }).expect(400);
    expect(bad.body.code).toBe('VALIDATION_FAILED');
    expect(bad.body.issues.map((i: { path: string }) => i.path).sort()).toEqual(['body.config.preset', 'body.seed', 'body.splitRule.validationFractionGood']);
    expect((await submit({ kind: 'resnet' }).expect(400)).body.issues[0].path).toBe('body.kind');
    // each model's own strict schema, before anything is queued (#16 item 8, #17 item 1)
    const pathsOf = async (body: Record<string, unknown>) => ((await submit(body).expect(400)).body.issues as { path: string }[]).map((i) => i.path);
    expect(await pathsOf({ kind: 'patchcore', config: { coresetRatio: -1 } })).toEqual(['body.config.coresetRatio']);
    expect(await pathsOf({ kind: 'patchcore', config: { preset: 'seed' } })).toEqual(['body.config.preset']);
    expect(await pathsOf({ kind: 'cfa', config: { gamaD: 2 } })).toEqual(['body.config']);
    expect(await pathsOf({ kind: 'fastflow', config: { hiddenRatio: 0 } })).toEqual(['body.config.hiddenRatio']);
    expect(await pathsOf({ kind: 'fastflow', config: { scoreMode: 'median' } })).toEqual(['body.config.scoreMode']);
    expect(await pathsOf({ kind: 'cflow', config: { conditionDim: 130 } })).toEqual(['body.config.conditionDim']);
    expect(await pathsOf({ config: { preset: 'small', blocks: 3, kernelSizes: [3, 3] } })).toEqual(['body.config.kernelSizes']);
    expect(await pathsOf({ config: { preset: 'small', seed: 3 } })).toEqual(['body.config']);
    const missing = await submit({ datasetVersionId: '00000000-0000-4000-8000-000000000000' }).expect(404);
    expect(missing.body).toMatchObject({ code: 'DATASET_VERSION_NOT_FOUND', issues: [{ path: 'body.datasetVersionId' }] });
    await api.http.post('/api/runs').set(viewer).send({ kind: 'csflow', datasetVersionId: versionId }).expect(403);
    expect((await api.http.get('/api/runs').set(viewer).expect(200)).body.total).toBe(before);
  });

  it('runs a job through claim, heartbeat, progress, artifacts, evaluation and complete', async () => {
    const created = ZRun.parse((await submit({ seed: 7, config: { preset: 'small', inputSize: 64 } }).expect(201)).body);
    expect(created).toMatchObject({ status: 'queued', kind: 'csflow', preset: 'small', seed: 7, attempts: 0, maxAttempts: 2, datasetVersion: { id: versionId, number: 1 } });
    // resolved once, at submission: preset expanded, defaults filled, the run's seed applied
    expect(created.resolvedConfig).toEqual(resolveModelConfig('csflow', { preset: 'small', inputSize: 64 }, 7));
    expect(created.resolvedConfig).toMatchObject({ preset: 'small', inputSize: 64, epochs: 20, seed: 7, optimizer: { lr: 2e-3 } });

    const job = await claim('w1');
    expect(job).toMatchObject({ runId: created.id, attempt: 1, kind: 'csflow', modelConfig: created.resolvedConfig, seed: 7, resumeCheckpointArtifactId: null, heartbeatTimeoutSeconds: HEARTBEAT_TIMEOUT_S });
    const running = await getRun(created.id);
    expect(running).toMatchObject({ status: 'running', attempts: 1, workerId: 'w1', codeVersion: 'test-commit', hardware: { cpu: 'test' } });
    expect(running.startedAt).not.toBeNull();
    expect(await beat(created.id, 'w1')).toEqual({ stop: false, cancelRequested: false, reason: null });
    // another worker cannot act on it (worker-lease.integration-spec.ts covers every call)
    expect((await api.http.post(`/api/worker/runs/${created.id}/complete`).set(as('w2')).send({ workerId: 'w2', fitReport: {}, trainingBackend: 'x', backbone: { name: 'b', sha256: 'a'.repeat(64), sizeBytes: null } }).expect(409)).body.code).toBe('LEASE_NOT_HELD');
    expect((await api.http.post(`/api/worker/runs/${created.id}/heartbeat`).set(as('w2')).send({ workerId: 'w2' }).expect(409)).body.code).toBe('LEASE_NOT_HELD');

    await api.http
      .post(`/api/worker/runs/${created.id}/progress`)
      .set(as('w1'))
      .send({ workerId: 'w1', points: [{ phase: 'train', epoch: 1, epochs: 2, step: 1, steps: 4, loss: 2.5, throughput: 10, etaSeconds: 30 }, { phase: 'train', epoch: 2, epochs: 2, step: 4, steps: 4, loss: 1.5, etaSeconds: 0 }] })
      .expect(200);
    const progress = (await api.http.get(`/api/runs/${created.id}/progress`).set(viewer).expect(200)).body.items;
    expect(progress.map((p: { loss: number }) => p.loss)).toEqual([2.5, 1.5]);
    expect((await getRun(created.id)).progress).toMatchObject({ phase: 'train', epoch: 2, epochs: 2, loss: 1.5, etaSeconds: 0 });

    const bytes = Buffer.from('weights of a test model');
    const up = await api.http.post(`/api/worker/runs/${created.id}/artifacts?workerId=w1&kind=weights`).set(as('w1')).set('content-type', 'application/octet-stream').send(bytes).expect(201);
    const artifact = ZArtifact.parse(up.body);
    expect(artifact).toMatchObject({ runId: created.id, kind: 'weights', bytes: bytes.length });
    const content = await api.http.get(`/api/artifacts/${artifact.id}/content`).set(viewer).buffer(true).parse((res, cb) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => cb(null, Buffer.concat(chunks)));
    }).expect(200);
    expect(Buffer.compare(content.body as Buffer, bytes)).toBe(0);
    expect((await api.http.get(`/api/runs/${created.id}/artifacts`).set(viewer).expect(200)).body.items).toHaveLength(1);

    const preds = predictions();
    const report = fakeReport(preds);
    const sub = await api.http
      .post(`/api/worker/runs/${created.id}/evaluations`)
      .set(as('w1'))
      .send({ workerId: 'w1', report, predictions: preds.map((p) => ({ imageId: p.imageId, split: p.split, score: p.score })) })
      .expect(201);
    const ev = ZEvaluation.parse((await api.http.get(`/api/evaluations/${sub.body.evaluationId}`).set(viewer).expect(200)).body);
    expect(ev).toMatchObject({ runId: created.id, datasetVersion: { id: versionId }, sourceEvaluationId: null, predictionCount: preds.length, sizeBytes: 1234, backboneSizeBytes: 5000 });
    expect(ev.metrics).toContainEqual({ name: 'image_auroc', split: 'test', datasetVersionId: versionId, value: 0.9 });
    expect(ev.operatingPoints.map((p) => [p.name, p.fitSplit, p.reportSplit, p.oracle, p.datasetVersionId])).toEqual([
      ['miss=0', 'validation', 'test', false, versionId],
      ['f1-max', 'validation', 'test', false, versionId],
      ['oracle:f1-max', 'test', 'test', true, versionId],
    ]);
    const stored = ev.operatingPoints.find((p) => p.name === 'f1-max');
    const sent = report.operatingPoints.find((p) => p.name === 'f1-max');
    expect(stored).toMatchObject({ threshold: sent?.threshold, counts: sent?.counts, missRate: sent?.missRate, missRateInterval: sent?.missRateInterval });
    const predPage = (await api.http.get(`/api/evaluations/${ev.id}/predictions?split=test`).set(viewer).expect(200)).body;
    expect(predPage.total).toBe(preds.filter((p) => p.split === 'test').length);
    expect(predPage.items[0]).toMatchObject({ split: 'test', relPath: expect.any(String), label: expect.stringMatching(/good|defective/) });

    const done = ZRun.parse(
      (await api.http.post(`/api/worker/runs/${created.id}/complete`).set(as('w1')).send({ workerId: 'w1', fitReport: { inputSize: 64, memoryBank: 3 }, trainingBackend: 'tfjs-test', backbone: { name: 'b', sha256: 'b'.repeat(64), sizeBytes: 10 } }).expect(200)).body,
    );
    expect(done).toMatchObject({ status: 'succeeded', resolvedConfig: created.resolvedConfig, fitReport: { inputSize: 64, memoryBank: 3 }, trainingBackend: 'tfjs-test', backbone: { name: 'b', sha256: 'b'.repeat(64) }, error: null });
    expect(done.finishedAt).not.toBeNull();
    expect(await beat(created.id, 'w1')).toMatchObject({ stop: true, cancelRequested: false });
    expect((await api.http.get(`/api/runs/${created.id}/evaluations`).set(viewer).expect(200)).body.items).toHaveLength(1);
  });

  it('refuses an artifact beyond its kind\'s cap with 413, by Content-Length or while streaming, and stores nothing', async () => {
    const run = ZRun.parse((await submit().expect(201)).body);
    expect((await claim('w-cap'))?.runId).toBe(run.id);
    const url = `/api/worker/runs/${run.id}/artifacts?workerId=w-cap&kind=log`;
    const storeFiles = () => readdirSync(api.config.storage.artifactsDir, { recursive: true }).length;
    const before = { rows: await api.created.db.prisma.artifact.count(), files: storeFiles() };
    const declared = await api.http.post(url).set(as('w-cap')).set('content-type', 'application/octet-stream').send(Buffer.alloc(LOG_CAP + 1, 0x61));
    expect([declared.status, declared.body.code]).toEqual([413, 'ARTIFACT_TOO_LARGE']);
    // no Content-Length (chunked): the cap is enforced while the bytes stream in
    const chunked = await new Promise<{ status: number; body: { code?: string } }>((resolve, reject) => {
      const req = api.http.post(url).set(as('w-cap')).set('content-type', 'application/octet-stream');
      for (let i = 0; i < 8; i++) req.write(Buffer.alloc(LOG_CAP / 4, 0x62));
      req.end((err, res) => (res ? resolve(res) : reject(err)));
    });
    expect([chunked.status, chunked.body.code]).toEqual([413, 'ARTIFACT_TOO_LARGE']);
    expect({ rows: await api.created.db.prisma.artifact.count(), files: storeFiles() }).toEqual(before);
    // at the cap is fine, and other kinds keep their own (larger) caps
    const atCap = ZArtifact.parse((await api.http.post(url).set(as('w-cap')).set('content-type', 'application/octet-stream').send(Buffer.alloc(LOG_CAP, 0x63)).expect(201)).body);
    expect(atCap.bytes).toBe(LOG_CAP);
    const weights = Buffer.alloc(3 * LOG_CAP, 0x64);
    const w = ZArtifact.parse((await api.http.post(`/api/worker/runs/${run.id}/artifacts?workerId=w-cap&kind=weights`).set(as('w-cap')).set('content-type', 'application/octet-stream').send(weights).expect(201)).body);
    expect(w.sha256).toBe(createHash('sha256').update(weights).digest('hex'));
    const download = await api.http.get(`/api/artifacts/${w.id}/content`).set(viewer).buffer(true).parse((res, cb) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => cb(null, Buffer.concat(chunks)));
    }).expect(200);
    expect(download.headers['content-length']).toBe(String(weights.length));
    expect(Buffer.compare(download.body as Buffer, weights)).toBe(0);
    await api.http.post(`/api/worker/runs/${run.id}/fail`).set(as('w-cap')).send({ workerId: 'w-cap', error: 'test over' }).expect(200);
  });

  it('answers an empty long poll after waiting, and cancels a queued run so no worker gets it', async () => {
    const t0 = Date.now();
    expect(await claim('w1', 1)).toBeNull();
    expect(Date.now() - t0).toBeGreaterThanOrEqual(900);
    const run = ZRun.parse((await submit().expect(201)).body);
    const cancelled = ZRun.parse((await api.http.post(`/api/runs/${run.id}/cancel`).set(engineer).expect(200)).body);
    expect(cancelled).toMatchObject({ status: 'cancelled', error: 'cancelled before a worker took it' });
    expect(await claim('w1', 0.5)).toBeNull();
    expect((await api.http.post(`/api/runs/${run.id}/cancel`).set(engineer).expect(409)).body.code).toBe('RUN_FINISHED');
  });

  it('tells a running worker to stop on cancel and ends the run cancelled', async () => {
    const run = ZRun.parse((await submit().expect(201)).body);
    expect((await claim('w3'))?.runId).toBe(run.id);
    const asked = ZRun.parse((await api.http.post(`/api/runs/${run.id}/cancel`).set(engineer).expect(200)).body);
    expect(asked.status).toBe('running');
    expect(asked.cancelRequestedAt).not.toBeNull();
    expect(await beat(run.id, 'w3')).toMatchObject({ stop: true, cancelRequested: true });
    const ended = ZRun.parse((await api.http.post(`/api/worker/runs/${run.id}/fail`).set(as('w3')).send({ workerId: 'w3', error: 'aborted on request' }).expect(200)).body);
    expect(ended).toMatchObject({ status: 'cancelled', error: 'cancelled: aborted on request' });
  });

  it('retries a run whose worker stopped heartbeating from its last checkpoint, then fails it with the reason', async () => {
    const run = ZRun.parse((await submit({ maxAttempts: 2 }).expect(201)).body);
    expect((await claim('dead-1'))?.runId).toBe(run.id);
    const ckpt = ZArtifact.parse(
      (await api.http.post(`/api/worker/runs/${run.id}/artifacts?workerId=dead-1&kind=checkpoint`).set(as('dead-1')).set('content-type', 'application/octet-stream').send(Buffer.from(`checkpoint ${run.id}`)).expect(201)).body,
    );
    // the worker dies: no more heartbeats
    const requeued = await waitForStatus(run.id, 'queued', HEARTBEAT_TIMEOUT_S + 5);
    expect(requeued).toMatchObject({ status: 'queued', attempts: 1, workerId: null });
    expect(requeued.error).toMatch(/attempt 1 of 2: worker dead-1 stopped sending heartbeats .*queued again/);
    expect((await beat(run.id, 'dead-1')).stop).toBe(true);

    const second = await claim('dead-2');
    expect(second).toMatchObject({ runId: run.id, attempt: 2, resumeCheckpointArtifactId: ckpt.id });
    expect(second?.leaseToken).not.toBe(leases.get('dead-1'));
    // the first attempt's lease holds nothing once the run is claimed again
    expect((await api.http.post(`/api/worker/runs/${run.id}/heartbeat`).set(as('dead-1')).send({ workerId: 'dead-1' }).expect(409)).body.code).toBe('LEASE_NOT_HELD');
    const failed = await waitForStatus(run.id, 'failed', HEARTBEAT_TIMEOUT_S + 5);
    expect(failed).toMatchObject({ status: 'failed', attempts: 2 });
    expect(failed.error).toMatch(/attempt 2 of 2: worker dead-2 stopped sending heartbeats .*no attempts left/);
    expect(failed.finishedAt).not.toBeNull();
  });

  it('gives each run its own artifact row when two runs upload identical bytes (content-addressed storage)', async () => {
    const a = ZRun.parse((await submit().expect(201)).body);
    const b = ZRun.parse((await submit().expect(201)).body);
    expect((await claim('wa'))?.runId).toBe(a.id);
    expect((await claim('wb'))?.runId).toBe(b.id);
    const bytes = Buffer.from('byte-identical weights of a reproduced run');
    const up = async (runId: string, workerId: string) =>
      ZArtifact.parse((await api.http.post(`/api/worker/runs/${runId}/artifacts?workerId=${workerId}&kind=weights`).set(as(workerId)).set('content-type', 'application/octet-stream').send(bytes).expect(201)).body);
    const [ia, ib, again] = [await up(a.id, 'wa'), await up(b.id, 'wb'), await up(a.id, 'wa')];
    expect(ia.runId).toBe(a.id);
    expect(ib.runId).toBe(b.id);
    expect(ib.id).not.toBe(ia.id);
    expect(ib.sha256).toBe(ia.sha256);
    expect(again.id).toBe(ia.id); // the same upload again is the same artifact
    for (const [run, w] of [[a, 'wa'], [b, 'wb']] as const) {
      expect((await api.http.get(`/api/runs/${run.id}/artifacts`).set(viewer).expect(200)).body.items).toHaveLength(1);
      await api.http.post(`/api/worker/runs/${run.id}/fail`).set(as(w)).send({ workerId: w, error: 'test over' }).expect(200);
    }
  });

  it('recomputes an evaluation under relabeled data from stored scores, as libs/metrics says', async () => {
    // one attempt: w4 never heartbeats, and on a loaded machine this test outlasts the 2 s timeout; a second
    // attempt would put the run back in the queue ahead of the next test's run
    const run = ZRun.parse((await submit({ maxAttempts: 1 }).expect(201)).body);
    expect((await claim('w4'))?.runId).toBe(run.id);
    const preds = predictions();
    const sub = await api.http
      .post(`/api/worker/runs/${run.id}/evaluations`)
      .set(as('w4'))
      .send({ workerId: 'w4', report: fakeReport(preds), predictions: preds.map((p) => ({ imageId: p.imageId, split: p.split, score: p.score })) })
      .expect(201);
    // relabel two test images: a good one that scores high becomes defective, a defective one becomes good
    const flipped = ['test/good/001.png', 'test/spot/000.png'];
    const commit = await api.http
      .post(`/api/versions/${versionId}/changes`)
      .set(curator)
      .send({
        changes: [
          { imageId: labels.get(flipped[0])?.imageId, value: 'defective', defectType: 'scratch', reason: 'scratch seen on review' },
          { imageId: labels.get(flipped[1])?.imageId, value: 'good', reason: 'dust, not a spot' },
        ],
      })
      .expect(201);
    const v2 = commit.body.version.id as string;
    const re = ZEvaluation.parse((await api.http.post(`/api/evaluations/${sub.body.evaluationId}/reevaluate`).set(engineer).send({ datasetVersionId: v2 }).expect(201)).body);
    expect(re).toMatchObject({ runId: run.id, sourceEvaluationId: sub.body.evaluationId, datasetVersion: { id: v2, number: 2 }, predictionCount: preds.length });

    const relabeled = preds.map((p) => (flipped.includes(p.relPath) ? { ...p, label: p.label === 'good' ? ('defective' as const) : ('good' as const) } : p));
    const testSet = relabeled.filter((p) => p.split === 'test');
    const auroc = re.metrics.find((m) => m.name === 'image_auroc' && m.split === 'test');
    expect(auroc).toMatchObject({ datasetVersionId: v2 });
    expect(auroc?.value).toBeCloseTo(pairwiseAuroc(testSet.map((p) => p.score), testSet.map((p) => (p.label === 'defective' ? 1 : 0))) as number, 12);
    expect(auroc?.value).not.toBeCloseTo(pairwiseAuroc(preds.filter((p) => p.split === 'test').map((p) => p.score), preds.filter((p) => p.split === 'test').map((p) => (p.label === 'defective' ? 1 : 0))) as number, 6);
    expect(re.metrics.find((m) => m.name === 'pixel_auroc')?.value).toBeNull();
    // every recomputed point: its counts are what its threshold gives on the new test labels
    for (const p of re.operatingPoints) {
      expect(p.datasetVersionId).toBe(v2);
      const t = p.threshold === '+Infinity' ? Infinity : p.threshold;
      const flagged = (x: FakePrediction) => x.score >= t;
      expect(p.counts).toEqual({
        tp: testSet.filter((x) => x.label === 'defective' && flagged(x)).length,
        fn: testSet.filter((x) => x.label === 'defective' && !flagged(x)).length,
        fp: testSet.filter((x) => x.label === 'good' && flagged(x)).length,
        tn: testSet.filter((x) => x.label === 'good' && !flagged(x)).length,
        good: testSet.filter((x) => x.label === 'good').length,
        defective: testSet.filter((x) => x.label === 'defective').length,
      });
    }
    // a threshold chosen in the simulator is saved with its test figures from libs/metrics, marked oracle
    const chosen = testSet[Math.floor(testSet.length / 2)].score;
    const stored = (await api.http.post(`/api/evaluations/${re.id}/operating-points`).set(engineer).send({ name: 'line 3 go-live', threshold: chosen }).expect(201)).body;
    const expectedAt = confusionAtThreshold(testSet.map((p) => p.score), testSet.map((p) => (p.label === 'defective' ? 1 : 0)), chosen);
    expect(stored).toMatchObject({ name: 'line 3 go-live', rule: { kind: 'fixed', threshold: chosen }, oracle: true, fitSplit: 'test', reportSplit: 'test', datasetVersionId: v2 });
    expect(stored.counts).toEqual({ tp: expectedAt.tp, fp: expectedAt.fp, tn: expectedAt.tn, fn: expectedAt.fn, good: expectedAt.nGood, defective: expectedAt.nDefective });
    expect(stored.missRate).toBe(expectedAt.missRate);
    expect(stored.overkillRate).toBe(expectedAt.overkillRate);
    expect(stored.missRateInterval).toMatchObject({ method: 'clopper-pearson', confidence: 0.95 });
    expect(ZEvaluation.parse((await api.http.get(`/api/evaluations/${re.id}`).set(viewer).expect(200)).body).operatingPoints.map((p) => p.name)).toContain('line 3 go-live');
    const dup = await api.http.post(`/api/evaluations/${re.id}/operating-points`).set(engineer).send({ name: 'line 3 go-live', threshold: 0.1 }).expect(409);
    expect(dup.body.code).toBe('OPERATING_POINT_EXISTS');
    await api.http.post(`/api/evaluations/${re.id}/operating-points`).set(engineer).send({ name: 'x', threshold: 'high' }).expect(400);
    await api.http.post(`/api/evaluations/${re.id}/operating-points`).set(curator).send({ name: 'y', threshold: 0.5 }).expect(403);

    // and the new version's labels show in its predictions
    const page = (await api.http.get(`/api/evaluations/${re.id}/predictions?pageSize=100`).set(viewer).expect(200)).body;
    expect(page.items.find((p: { relPath: string }) => p.relPath === flipped[0]).label).toBe('defective');
  });

  it('recomputes pixel AUROC and PRO under new labels from the stored maps and the new version\'s masks', async () => {
    const run = ZRun.parse((await submit().expect(201)).body);
    expect((await claim('w5'))?.runId).toBe(run.id);
    const preds = predictions();
    const side = 8;
    let state = 7;
    const rand = () => (state = (state * 1103515245 + 12345) % 2 ** 31) % 256;
    const maps = new Map<string, Uint8Array>();
    const mapIds = new Map<string, string>();
    for (const p of preds.filter((x) => x.split === 'test')) {
      const grey = Uint8Array.from({ length: side * side }, rand);
      maps.set(p.imageId, grey);
      const png = await sharp(Buffer.from(grey), { raw: { width: side, height: side, channels: 1 } }).png().toBuffer();
      const a = ZArtifact.parse((await api.http.post(`/api/worker/runs/${run.id}/artifacts?workerId=w5&kind=anomaly_map&contentType=image/png`).set(as('w5')).set('content-type', 'application/octet-stream').send(png).expect(201)).body);
      mapIds.set(p.imageId, a.id);
    }
    const sub = await api.http
      .post(`/api/worker/runs/${run.id}/evaluations`)
      .set(as('w5'))
      .send({ workerId: 'w5', report: fakeReport(preds), predictions: preds.map((p) => ({ imageId: p.imageId, split: p.split, score: p.score, anomalyMapArtifactId: mapIds.get(p.imageId) ?? null })) })
      .expect(201);
    // the predictions name the content they scored
    const stored = (await api.http.get(`/api/evaluations/${sub.body.evaluationId}/predictions?pageSize=100`).set(viewer).expect(200)).body.items as { relPath: string; imageSha256: string }[];
    const dataDir = path.join(api.importRoot, 'lens');
    for (const row of stored) expect(row.imageSha256).toBe(createHash('sha256').update(readFileSync(path.join(dataDir, row.relPath))).digest('hex'));
    // the defective test image keeps its mask, the good one turned defective has none (all normal pixels)
    const commit = await api.http
      .post(`/api/versions/${versionId}/changes`)
      .set(curator)
      .send({ allowRebase: true, changes: [{ imageId: labels.get('test/good/002.png')?.imageId, value: 'defective', defectType: 'scratch', reason: 'scratch seen on review' }] })
      .expect(201);
    const v2 = commit.body.version.id as string;
    const valueIn = new Map(((await api.http.get(`/api/versions/${v2}/labels?pageSize=100`).set(viewer).expect(200)).body.items as { imageId: string; value: string }[]).map((l) => [l.imageId, l.value]));
    const re = ZEvaluation.parse((await api.http.post(`/api/evaluations/${sub.body.evaluationId}/reevaluate`).set(engineer).send({ datasetVersionId: v2 }).expect(201)).body);
    const test = preds.filter((p) => p.split === 'test');
    const masks = await Promise.all(
      test.map(async (p) => {
        const maskFile = path.join(dataDir, 'ground_truth', path.basename(path.dirname(p.relPath)), `${path.basename(p.relPath, '.png')}_mask.png`);
        // a mask counts where the new version says defective and the import brought one
        if (valueIn.get(p.imageId) !== 'defective' || !existsSync(maskFile)) return new Uint8Array(side * side);
        return resizeMask(await readMask(maskFile), { width: side, height: side, mode: 'stretch' }).data;
      }),
    );
    const expected = pixelMetrics(test.map((p, i) => ({ map: Float32Array.from(maps.get(p.imageId) ?? []), mask: masks[i], width: side, height: side })));
    expect(expected.pixelAuroc).not.toBeNull();
    expect(re.metrics.find((m) => m.name === 'pixel_auroc')?.value).toBeCloseTo(expected.pixelAuroc as number, 12);
    expect(re.metrics.find((m) => m.name === 'pro')?.value).toBeCloseTo(expected.pro as number, 12);
    expect(re.metrics.find((m) => m.name === 'pro')).toMatchObject({ datasetVersionId: v2 });
  });

  it('lists runs with the evaluation each table row shows, in a fixed number of queries (no query per run)', async () => {
    let counting = false;
    let queries: string[] = [];
    // the API's client emits query events (database.ts); its static type does not say so
    (api.created.db.prisma as unknown as { $on(event: 'query', listener: (e: { query: string }) => void): void }).$on('query', (e) => {
      if (counting) queries.push(e.query);
    });
    const list = async (pageSize: number) => {
      queries = [];
      counting = true;
      const body = ZRunPage.parse((await api.http.get(`/api/runs?pageSize=${pageSize}`).set(viewer).expect(200)).body);
      counting = false;
      return { body, queries };
    };
    for (let i = 0; i < 24; i++) await submit().expect(201); // queued runs: the test is the file's last
    const all = await list(100);
    expect(all.body.items.length).toBeGreaterThan(30);
    expect(all.body.items.filter((r) => r.latestEvaluation !== null).length).toBeGreaterThan(1);
    // each relation is read for the whole page at once, none once per run
    const readsOf = new Map<string, number>();
    for (const q of all.queries) {
      const table = /\bFROM\s+(?:"[^"]+"\.)?"(\w+)"/i.exec(q)?.[1];
      if (table) readsOf.set(table, (readsOf.get(table) ?? 0) + 1);
    }
    expect(readsOf.get('Evaluation')).toBe(1);
    expect(all.queries.length).toBeLessThan(20); // one query per run would be over 30
    // each row carries the run's newest succeeded evaluation, as the run's own evaluation list says
    const withEvaluation = all.body.items.filter((r) => r.latestEvaluation !== null);
    expect(withEvaluation.length).toBeGreaterThan(0);
    for (const r of all.body.items) {
      const evals = ZEvaluationList.parse((await api.http.get(`/api/runs/${r.id}/evaluations`).set(viewer).expect(200)).body).items.filter((e) => e.status === 'succeeded');
      const newest = evals.sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : b.id.localeCompare(a.id)))[0] ?? null;
      expect(r.latestEvaluation).toEqual(newest);
    }
  });

  /** Scores of the fixture's images: validation = 2 train/good + 2 defects, test = the rest of test/. */
  function predictions(): FakePrediction[] {
    const spec: [string, 'validation' | 'test', number][] = [
      ['train/good/000.png', 'validation', 0.1],
      ['train/good/001.png', 'validation', 0.3],
      ['test/scratch/000.png', 'validation', 0.8],
      ['test/smudge/000.png', 'validation', 0.6],
      ['test/good/000.png', 'test', 0.2],
      ['test/good/001.png', 'test', 0.7],
      ['test/good/002.png', 'test', 0.35],
      ['test/scratch/001.png', 'test', 0.9],
      ['test/spot/000.png', 'test', 0.4],
    ];
    return spec.map(([relPath, split, score]) => {
      const l = labels.get(relPath);
      if (!l) throw new Error(`fixture has no ${relPath}: ${[...labels.keys()].join(', ')}`);
      return { imageId: l.imageId, relPath, split, score, label: l.value as 'good' | 'defective' };
    });
  }
});
