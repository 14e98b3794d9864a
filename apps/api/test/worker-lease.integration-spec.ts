/**
 * Worker impersonation (issue 16, item 2): a claim issues a lease token, and every worker call about the run
 * must bring it. A person's token is not a worker's; a worker token with another job's lease, or none, acts
 * on nothing; once the run is cancelled or taken back the lease writes nothing (progress after a cancel
 * included). The job's data (labels, images, checkpoint, targets) is served only to the lease holder and
 * only for that run. Also: an evaluation cannot point at another run's anomaly maps.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { LEASE_TOKEN_HEADER, ZArtifact, ZClaimResult, ZRun, ZVersionLabelPage, ZWorkerAck, type TWorkerJob } from '@defectlab/contracts';
import { startTestApi, type TestApi } from './support/api-harness';
import { writeFixtureDataset } from './support/mvtec-fixtures';
import { dropQueueSchema, fakeReport, overrideEnv, type FakePrediction } from './support/run-fixtures';
import { assertPostgresReachable, TEST_DATABASES } from './support/test-databases';

beforeAll(assertPostgresReachable);

const HEARTBEAT_TIMEOUT_S = 2;
const WORKER = { hardware: { cpu: 'test' }, runtime: { node: process.version }, codeVersion: 'test' };
const COMPLETE = { fitReport: {}, trainingBackend: 'x', backbone: { name: 'b', sha256: 'a'.repeat(64), sizeBytes: null } };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each(TEST_DATABASES.map((make) => [make().name, make] as const))('worker leases on %s', (_name, make) => {
  const testDb = make();
  let api: TestApi;
  let engineer: Record<string, string>;
  let admin: Record<string, string>;
  let viewer: Record<string, string>;
  let worker: Record<string, string>;
  let versionId: string;
  let otherVersionId: string;
  let restoreEnv: () => void = () => undefined;

  beforeAll(async () => {
    restoreEnv = overrideEnv({ DEFECTLAB_RUN_HEARTBEAT_TIMEOUT_S: String(HEARTBEAT_TIMEOUT_S), DEFECTLAB_RUN_REAPER_INTERVAL_S: '0.25' });
    api = await startTestApi(testDb.fresh());
    [engineer, admin, viewer, worker] = [await api.auth('engineer'), await api.auth('admin'), await api.auth('viewer'), await api.auth('worker')];
    await writeFixtureDataset(path.join(api.importRoot, 'lens'));
    await writeFixtureDataset(path.join(api.importRoot, 'other'), 2);
    versionId = (await api.http.post('/api/datasets/import').set(engineer).send({ path: 'lens', name: 'lens', productLine: 'lens' }).expect(201)).body.version.id;
    otherVersionId = (await api.http.post('/api/datasets/import').set(engineer).send({ path: 'other', name: 'other', productLine: 'flex' }).expect(201)).body.version.id;
  });
  afterAll(async () => {
    await api?.close();
    if (api?.config.database.kind === 'postgres') await dropQueueSchema(api.config.database.schema);
    await testDb.cleanup();
    restoreEnv();
  });

  const submit = async (dsv = versionId) => ZRun.parse((await api.http.post('/api/runs').set(engineer).send({ kind: 'csflow', datasetVersionId: dsv, config: { preset: 'small' } }).expect(201)).body);
  const claim = async (workerId: string): Promise<TWorkerJob> => {
    const job = ZClaimResult.parse((await api.http.post('/api/worker/claim').set(worker).send({ workerId, waitSeconds: 2, worker: WORKER }).expect(200)).body).job;
    if (!job) throw new Error('no job was claimed');
    return job;
  };
  const leased = (job: TWorkerJob | string) => ({ ...worker, [LEASE_TOKEN_HEADER]: typeof job === 'string' ? job : job.leaseToken });
  /** Heartbeats of the holders of `jobs` every 300 ms (the reaper's timeout is short here); returns a stop function. */
  const keepAlive = (...jobs: TWorkerJob[]) => {
    const timer = setInterval(() => {
      for (const j of jobs) void api.http.post(`/api/worker/runs/${j.runId}/heartbeat`).set(leased(j)).send({ workerId: 'alive' }).then(() => undefined, () => undefined);
    }, 300);
    return () => clearInterval(timer);
  };
  const progressCount = async (runId: string) => api.created.db.prisma.runProgressPoint.count({ where: { runId } });
  const artifactCount = async (runId: string) => api.created.db.prisma.artifact.count({ where: { runId } });
  const points = [{ phase: 'train', epoch: 1, loss: 1 }];

  /** Every state-changing worker call on `runId` with `headers`; returns [call, status, code] per call. */
  async function everyCall(runId: string, headers: Record<string, string>): Promise<[string, number, string][]> {
    const h = api.http;
    const calls: [string, () => ReturnType<typeof h.post>][] = [
      ['heartbeat', () => h.post(`/api/worker/runs/${runId}/heartbeat`).set(headers).send({ workerId: 'x' })],
      ['progress', () => h.post(`/api/worker/runs/${runId}/progress`).set(headers).send({ workerId: 'x', points })],
      ['artifact', () => h.post(`/api/worker/runs/${runId}/artifacts?workerId=x&kind=weights`).set(headers).set('content-type', 'application/octet-stream').send(Buffer.from('forged'))],
      ['labels', () => h.get(`/api/worker/runs/${runId}/labels`).set(headers)],
      ['targets', () => h.get(`/api/worker/runs/${runId}/targets`).set(headers)],
      ['complete', () => h.post(`/api/worker/runs/${runId}/complete`).set(headers).send({ workerId: 'x', ...COMPLETE })],
      ['fail', () => h.post(`/api/worker/runs/${runId}/fail`).set(headers).send({ workerId: 'x', error: 'forged' })],
    ];
    const out: [string, number, string][] = [];
    for (const [name, call] of calls) {
      const res = await call();
      out.push([name, res.status, res.body.code]);
    }
    return out;
  }

  it('answers a claim with a lease token and stores only its sha256', async () => {
    const run = await submit();
    const job = await claim('w-hash');
    expect(job.runId).toBe(run.id);
    expect(job.leaseToken).toMatch(/^lease_[A-Za-z0-9_-]{43}$/);
    const row = await api.created.db.prisma.run.findUniqueOrThrow({ where: { id: run.id }, select: { leaseTokenHash: true } });
    expect(row.leaseTokenHash).toBe(createHash('sha256').update(job.leaseToken).digest('hex'));
    expect(JSON.stringify(await api.created.db.sql.query('SELECT * FROM "Run"'))).not.toContain(job.leaseToken);
    await api.http.post(`/api/worker/runs/${run.id}/fail`).set(leased(job)).send({ workerId: 'w-hash', error: 'test over' }).expect(200);
  });

  it("refuses people's tokens on worker endpoints, and worker tokens everywhere else", async () => {
    for (const person of [engineer, admin]) {
      const res = await api.http.post('/api/worker/claim').set(person).send({ workerId: 'p', waitSeconds: 0, worker: WORKER }).expect(403);
      expect(res.body.code).toBe('INSUFFICIENT_ROLE');
    }
    for (const url of ['/api/datasets', `/api/versions/${versionId}/labels`, '/api/runs', '/api/users', '/api/targets']) {
      expect([url, (await api.http.get(url).set(worker)).status]).toEqual([url, 403]);
    }
    await api.http.post('/api/datasets/import').set(worker).send({ path: 'lens', name: 'stolen', productLine: 'lens' }).expect(403);
  });

  it("acts on nothing with another job's lease token or none, and stores nothing", async () => {
    const run = await submit();
    const job = await claim('w-victim');
    expect(job.runId).toBe(run.id);
    const other = await submit();
    const thief = await claim('w-thief');
    expect(thief.runId).toBe(other.id);
    const stopBeats = keepAlive(job, thief);
    const [progress, artifacts] = [await progressCount(run.id), await artifactCount(run.id)];

    const withOtherLease = await everyCall(run.id, leased(thief));
    expect(withOtherLease).toEqual(withOtherLease.map(([name]) => [name, 409, 'LEASE_NOT_HELD']));
    const withNone = await everyCall(run.id, worker);
    expect(withNone).toEqual(withNone.map(([name]) => [name, 403, 'LEASE_TOKEN_REQUIRED']));
    const withMadeUp = await everyCall(run.id, leased('lease_made-up-by-a-thief'));
    expect(withMadeUp.every(([, status, code]) => status === 409 && code === 'LEASE_NOT_HELD')).toBe(true);

    expect(await progressCount(run.id)).toBe(progress);
    expect(await artifactCount(run.id)).toBe(artifacts);
    expect(await api.created.db.prisma.run.findUniqueOrThrow({ where: { id: run.id }, select: { status: true, error: true } })).toEqual({ status: 'running', error: null });
    // the holder still works
    expect(ZWorkerAck.parse((await api.http.post(`/api/worker/runs/${run.id}/heartbeat`).set(leased(job)).send({ workerId: 'w-victim' }).expect(200)).body).stop).toBe(false);
    stopBeats();
    for (const j of [job, thief]) await api.http.post(`/api/worker/runs/${j.runId}/fail`).set(leased(j)).send({ workerId: 'x', error: 'test over' }).expect(200);
  });

  it('stores nothing from a lease once its run is cancelled, and tells its holder to stop', async () => {
    const run = await submit();
    const job = await claim('w-cancel');
    const stopBeats = keepAlive(job);
    await api.http.post(`/api/runs/${run.id}/cancel`).set(engineer).expect(200);
    // cancel requested: the holder may still report, and is told to stop
    const asked = ZWorkerAck.parse((await api.http.post(`/api/worker/runs/${run.id}/progress`).set(leased(job)).send({ workerId: 'w-cancel', points }).expect(200)).body);
    expect(asked).toMatchObject({ stop: true, cancelRequested: true });
    stopBeats();
    await api.http.post(`/api/worker/runs/${run.id}/fail`).set(leased(job)).send({ workerId: 'w-cancel', error: 'stopped' }).expect(200);
    expect((await api.http.get(`/api/runs/${run.id}`).set(viewer).expect(200)).body.status).toBe('cancelled');
    const [progress, artifacts] = [await progressCount(run.id), await artifactCount(run.id)];

    // after the cancel: the old lease writes nothing (a heartbeat or progress is answered "stop")
    const ack = ZWorkerAck.parse((await api.http.post(`/api/worker/runs/${run.id}/progress`).set(leased(job)).send({ workerId: 'w-cancel', points }).expect(200)).body);
    expect(ack).toMatchObject({ stop: true, cancelRequested: true });
    const calls = await everyCall(run.id, leased(job));
    expect(calls.filter(([name]) => name !== 'heartbeat' && name !== 'progress')).toEqual(
      calls.filter(([name]) => name !== 'heartbeat' && name !== 'progress').map(([name]) => [name, 409, 'LEASE_ENDED']),
    );
    // and a non-holder's progress after the cancel is refused
    expect((await api.http.post(`/api/worker/runs/${run.id}/progress`).set(leased('lease_not-the-holder')).send({ workerId: 'w-cancel', points }).expect(409)).body.code).toBe('LEASE_NOT_HELD');
    expect(await progressCount(run.id)).toBe(progress);
    expect(await artifactCount(run.id)).toBe(artifacts);
    expect((await api.http.get(`/api/runs/${run.id}`).set(viewer).expect(200)).body).toMatchObject({ status: 'cancelled', error: 'cancelled: stopped' });
  });

  it('kills the lease of a run the reaper took back; the next claim gets a new one', async () => {
    const run = await submit();
    const first = await claim('w-dies');
    for (const until = Date.now() + (HEARTBEAT_TIMEOUT_S + 8) * 1000; (await api.http.get(`/api/runs/${run.id}`).set(viewer)).body.status !== 'queued'; await sleep(100)) {
      if (Date.now() > until) throw new Error('the reaper did not take the run back');
    }
    const progress = await progressCount(run.id);
    const ack = ZWorkerAck.parse((await api.http.post(`/api/worker/runs/${run.id}/progress`).set(leased(first)).send({ workerId: 'w-dies', points }).expect(200)).body);
    expect(ack.stop).toBe(true);
    expect(await progressCount(run.id)).toBe(progress);
    const res = await api.http.post(`/api/worker/runs/${run.id}/artifacts?workerId=w-dies&kind=checkpoint`).set(leased(first)).set('content-type', 'application/octet-stream').send(Buffer.from('late'));
    expect([res.status, res.body.code]).toEqual([409, 'LEASE_ENDED']);

    const second = await claim('w-next');
    expect(second).toMatchObject({ runId: run.id, attempt: 2 });
    expect(second.leaseToken).not.toBe(first.leaseToken);
    expect((await api.http.post(`/api/worker/runs/${run.id}/heartbeat`).set(leased(first)).send({ workerId: 'w-dies' }).expect(409)).body.code).toBe('LEASE_NOT_HELD');
    await api.http.post(`/api/worker/runs/${run.id}/fail`).set(leased(second)).send({ workerId: 'w-next', error: 'test over' }).expect(200);
  });

  it("serves the lease holder its run's labels, images, checkpoint and targets, and nothing of other runs or datasets", async () => {
    await api.http.post('/api/targets').set(admin).send({ productLine: 'lens', maxMissRate: 0.1, maxOverkillRate: 0.2, maxSizeBytes: 1e9, maxLatencyMs: 1000 }).expect(201);
    const run = await submit();
    const job = await claim('w-data');
    const other = await submit(otherVersionId);
    const otherJob = await claim('w-other');
    expect(otherJob.runId).toBe(other.id);
    const stopBeats = keepAlive(job, otherJob);

    const labels = ZVersionLabelPage.parse((await api.http.get(`/api/worker/runs/${run.id}/labels?pageSize=500`).set(leased(job)).expect(200)).body);
    const mine = ZVersionLabelPage.parse((await api.http.get(`/api/versions/${versionId}/labels?pageSize=500`).set(viewer).expect(200)).body);
    expect(labels.items.map((l) => l.imageId)).toEqual(mine.items.map((l) => l.imageId));
    const blob = await api.http.get(`/api/worker/runs/${run.id}/blobs/${labels.items[0].sha256}`).set(leased(job)).expect(200);
    expect(createHash('sha256').update(blob.body as Buffer).digest('hex')).toBe(labels.items[0].sha256);

    // an image of another dataset version is not this run's, even for a valid lease
    const foreign = ZVersionLabelPage.parse((await api.http.get(`/api/versions/${otherVersionId}/labels?pageSize=500`).set(viewer).expect(200)).body);
    const foreignSha = foreign.items.map((l) => l.sha256).find((sha) => !mine.items.some((l) => l.sha256 === sha));
    expect((await api.http.get(`/api/worker/runs/${run.id}/blobs/${foreignSha}`).set(leased(job)).expect(404)).body.code).toBe('BLOB_NOT_FOUND');

    // the run's own checkpoint, never another run's artifact
    const ckpt = ZArtifact.parse((await api.http.post(`/api/worker/runs/${run.id}/artifacts?workerId=w-data&kind=checkpoint`).set(leased(job)).set('content-type', 'application/octet-stream').send(Buffer.from('my checkpoint')).expect(201)).body);
    const back = await api.http.get(`/api/worker/runs/${run.id}/artifacts/${ckpt.id}/content`).set(leased(job)).buffer(true).parse((res, cb) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => cb(null, Buffer.concat(chunks)));
    }).expect(200);
    expect((back.body as Buffer).toString()).toBe('my checkpoint');
    expect((await api.http.get(`/api/worker/runs/${other.id}/artifacts/${ckpt.id}/content`).set(leased(otherJob)).expect(404)).body.code).toBe('ARTIFACT_NOT_FOUND');

    expect((await api.http.get(`/api/worker/runs/${run.id}/targets`).set(leased(job)).expect(200)).body.target).toMatchObject({ productLine: 'lens', maxMissRate: 0.1 });
    expect((await api.http.get(`/api/worker/runs/${other.id}/targets`).set(leased(otherJob)).expect(200)).body).toEqual({ target: null });

    // an evaluation may not point at another run's anomaly map
    const otherMap = ZArtifact.parse((await api.http.post(`/api/worker/runs/${other.id}/artifacts?workerId=w-other&kind=anomaly_map&contentType=image/png`).set(leased(otherJob)).set('content-type', 'application/octet-stream').send(Buffer.from('a map of another run')).expect(201)).body);
    const myMap = ZArtifact.parse((await api.http.post(`/api/worker/runs/${run.id}/artifacts?workerId=w-data&kind=anomaly_map&contentType=image/png`).set(leased(job)).set('content-type', 'application/octet-stream').send(Buffer.from('my own map')).expect(201)).body);
    const preds: FakePrediction[] = mine.items
      .filter((l) => l.relPath.startsWith('test/'))
      .map((l, i) => ({ imageId: l.imageId, relPath: l.relPath, split: 'test' as const, label: l.value as 'good' | 'defective', score: i / 10 }));
    const body = (mapOf: (i: number) => string) => ({
      workerId: 'w-data',
      report: fakeReport(preds.concat(preds.slice(0, 2).map((p) => ({ ...p, split: 'validation' as const })))),
      predictions: preds.map((p, i) => ({ imageId: p.imageId, split: p.split, score: p.score, anomalyMapArtifactId: mapOf(i) })),
    });
    const refused = await api.http.post(`/api/worker/runs/${run.id}/evaluations`).set(leased(job)).send(body((i) => (i === 1 ? otherMap.id : myMap.id))).expect(400);
    expect(refused.body).toMatchObject({ code: 'ARTIFACT_OF_ANOTHER_RUN', issues: [{ path: 'body.predictions.1.anomalyMapArtifactId' }] });
    expect(await api.created.db.prisma.evaluation.count({ where: { runId: run.id } })).toBe(0);
    await api.http.post(`/api/worker/runs/${run.id}/evaluations`).set(leased(job)).send(body(() => myMap.id)).expect(201);
    stopBeats();
    for (const j of [job, otherJob]) await api.http.post(`/api/worker/runs/${j.runId}/fail`).set(leased(j)).send({ workerId: 'x', error: 'test over' }).expect(200);
  });
});

