/**
 * Sweeps (run groups) through HTTP on PostgreSQL and PGlite: a valid grid stores its cartesian product as
 * queued runs with the group id; an unknown option or an out-of-range value is a 400 naming the field before
 * any run is stored; more runs than DEFECTLAB_SWEEP_CONFIRM_LIMIT need confirm: true.
 */
import path from 'node:path';
import { ZRunGroup, ZRunGroupPage, resolveModelConfig } from '@defectlab/contracts';
import { JobQueue } from '../src/queue/job-queue.service';
import { startTestApi, type TestApi } from './support/api-harness';
import { writeFixtureDataset } from './support/mvtec-fixtures';
import { dropQueueSchema } from './support/run-fixtures';
import { assertPostgresReachable, TEST_DATABASES } from './support/test-databases';

beforeAll(assertPostgresReachable);

/** DEFECTLAB_SWEEP_CONFIRM_LIMIT of the test API. */
const LIMIT = 4;

describe.each(TEST_DATABASES.map((make) => [make().name, make] as const))('run groups on %s', (_name, make) => {
  const testDb = make();
  let api: TestApi;
  let engineer: Record<string, string>;
  let viewer: Record<string, string>;
  let versionId: string;

  beforeAll(async () => {
    api = await startTestApi(testDb.fresh(), { env: { DEFECTLAB_SWEEP_CONFIRM_LIMIT: String(LIMIT) } });
    engineer = await api.auth('engineer');
    viewer = await api.auth('viewer');
    await writeFixtureDataset(path.join(api.importRoot, 'lens'));
    const imported = await api.http.post('/api/datasets/import').set(engineer).send({ path: 'lens', name: 'lens', productLine: 'lens' }).expect(201);
    versionId = imported.body.version.id;
  }, 120_000);
  afterAll(async () => {
    await api?.close();
    if (api?.config.database.kind === 'postgres') await dropQueueSchema(api.config.database.schema);
    await testDb.cleanup();
  });

  const sweep = (body: Record<string, unknown>) => api.http.post('/api/run-groups').set(engineer).send({ kind: 'fastflow', datasetVersionId: versionId, ...body });
  const runCount = () => api.created.db.prisma.run.count();

  it('a valid grid creates one queued run per point, each with the group id, its point and its resolved config', async () => {
    const grid = { hiddenRatio: [0.125, 0.25], cropMode: ['none', 'random'] };
    const res = await sweep({ name: 'width x crops', baseConfig: { preset: 'small', cropsPerImage: 2 }, grid, seed: 3 }).expect(201);
    const group = ZRunGroup.parse(res.body);
    expect(group).toMatchObject({ name: 'width x crops', kind: 'fastflow', datasetVersionId: versionId, runCount: 4, grid });
    expect(group.runs.map((r) => r.gridPoint)).toEqual([
      { hiddenRatio: 0.125, cropMode: 'none' },
      { hiddenRatio: 0.125, cropMode: 'random' },
      { hiddenRatio: 0.25, cropMode: 'none' },
      { hiddenRatio: 0.25, cropMode: 'random' },
    ]);
    for (const { gridPoint, run } of group.runs) {
      expect(run.status).toBe('queued');
      expect(run.seed).toBe(3);
      expect(run.runGroupId).toBe(group.id);
      expect(run.resolvedConfig).toEqual(resolveModelConfig('fastflow', { preset: 'small', cropsPerImage: 2, ...gridPoint }, 3));
    }
    const again = ZRunGroup.parse((await api.http.get(`/api/run-groups/${group.id}`).set(viewer).expect(200)).body);
    expect(again.runs.map((r) => r.run.id)).toEqual(group.runs.map((r) => r.run.id));
    expect((await api.http.get(`/api/runs/${group.runs[0].run.id}`).set(viewer).expect(200)).body.runGroupId).toBe(group.id);
    const page = ZRunGroupPage.parse((await api.http.get('/api/run-groups').set(viewer).expect(200)).body);
    expect(page.items.map((g) => g.id)).toContain(group.id);
  });

  it('an unknown option or an out-of-range value is a 400 naming the field, and no run is stored', async () => {
    const before = await runCount();
    const unknown = await sweep({ grid: { hiddenRatoi: [1, 2] } }).expect(400);
    expect(unknown.body.issues.map((i: { path: string }) => i.path)).toEqual(['body.grid.hiddenRatoi']);
    expect(unknown.body.issues[0].message).toMatch(/unknown fastflow option/);
    const range = await sweep({ grid: { flowSteps: [4, 0] } }).expect(400);
    expect(range.body.issues.map((i: { path: string }) => i.path)).toEqual(['body.grid.flowSteps']);
    expect(range.body.issues[0].message).toMatch(/value 0/);
    const base = await sweep({ baseConfig: { preset: 'huge' }, grid: { flowSteps: [4] } }).expect(400);
    expect(base.body.issues.map((i: { path: string }) => i.path)).toEqual(['body.baseConfig.preset']);
    expect(await runCount()).toBe(before);
  });

  it('more runs than the limit are refused without confirm: true (nothing stored), and started with it', async () => {
    const before = await runCount();
    const grid = { flowSteps: [1, 2, 3, 4, 5] };
    const refused = await sweep({ baseConfig: { preset: 'small' }, grid }).expect(400);
    expect(refused.body.code).toBe('CONFIRMATION_REQUIRED');
    expect(refused.body.issues[0].path).toBe('body.confirm');
    expect(await runCount()).toBe(before);
    const started = ZRunGroup.parse((await sweep({ baseConfig: { preset: 'small' }, grid, confirm: true }).expect(201)).body);
    expect(started.runs).toHaveLength(5);
    expect(await runCount()).toBe(before + 5);
  });

  it('a viewer may read groups but not start one; an unknown group is 404', async () => {
    await api.http.post('/api/run-groups').set(viewer).send({ kind: 'cfa', datasetVersionId: versionId, grid: { gammaD: [1] } }).expect(403);
    expect((await api.http.get('/api/run-groups/00000000-0000-4000-8000-000000000000').set(viewer).expect(404)).body.code).toBe('RUN_GROUP_NOT_FOUND');
  });

  it('when the queue takes no run, a single run is not kept and a sweep keeps its runs failed with the reason', async () => {
    // the file's last test: with the queue stopped every enqueue fails
    await api.created.app.get(JobQueue).beforeApplicationShutdown();
    const before = await runCount();
    await api.http.post('/api/runs').set(engineer).send({ kind: 'fastflow', datasetVersionId: versionId, config: { preset: 'small' } }).expect(500);
    expect(await runCount()).toBe(before);

    await sweep({ name: 'not queued', baseConfig: { preset: 'small' }, grid: { hiddenRatio: [0.125, 0.25] } }).expect(500);
    const listed = ZRunGroupPage.parse((await api.http.get('/api/run-groups').set(viewer).expect(200)).body).items.find((g) => g.name === 'not queued');
    const group = ZRunGroup.parse((await api.http.get(`/api/run-groups/${listed?.id}`).set(viewer).expect(200)).body);
    const reason = 'could not be queued: the job queue is not started';
    expect(group.runs.map((r) => [r.run.status, r.run.error])).toEqual([['failed', reason], ['failed', reason]]);
  });
});
