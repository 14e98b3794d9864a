/**
 * The smaller holes of issue 16 (item 8): the last admin cannot demote itself or revoke its last token;
 * health and error answers name no server paths; `x-request-id` is kept only when it is a short safe token;
 * a malformed JSON body's error carries the request id like every other error.
 */
import { randomUUID } from 'node:crypto';
import { ZApiError, ZMe } from '@defectlab/contracts';
import { startTestApi, type TestApi } from './support/api-harness';
import { assertPostgresReachable, TEST_DATABASES } from './support/test-databases';

beforeAll(assertPostgresReachable);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe.each(TEST_DATABASES.map((make) => [make().name, make] as const))('API hardening on %s', (_name, make) => {
  const testDb = make();
  let api: TestApi;
  let admin: Record<string, string>;
  let engineer: Record<string, string>;

  beforeAll(async () => {
    api = await startTestApi(testDb.fresh());
    admin = await api.auth('admin');
    engineer = await api.auth('engineer');
  });
  afterAll(async () => {
    await api?.close();
    await testDb.cleanup();
  });

  const serverSecrets = () => [api.dataDir, api.importRoot, ...(api.config.database.kind === 'postgres' ? [api.config.database.schema] : [api.config.database.dataDir])];
  const leaks = (body: unknown) => serverSecrets().filter((s) => JSON.stringify(body).includes(s));

  it('refuses to demote the last admin or revoke its last token (409 LAST_ADMIN), and lets it go once another admin exists', async () => {
    const me = ZMe.parse((await api.http.get('/api/auth/me').set(admin).expect(200)).body);
    const demote = await api.http.patch(`/api/users/${me.user.id}`).set(admin).send({ role: 'engineer' }).expect(409);
    expect(ZApiError.parse(demote.body).code).toBe('LAST_ADMIN');
    const revoke = await api.http.delete(`/api/tokens/${me.token.id}`).set(admin).expect(409);
    expect(revoke.body.code).toBe('LAST_ADMIN');
    expect(ZMe.parse((await api.http.get('/api/auth/me').set(admin).expect(200)).body).user.role).toBe('admin');
    // a rename is no demotion
    await api.http.patch(`/api/users/${me.user.id}`).set(admin).send({ name: 'Root' }).expect(200);

    // two admins demoting each other at the same moment: exactly one succeeds
    const second = (await api.http.post('/api/users').set(admin).send({ email: 'second-admin@example.com', name: 'Second', role: 'admin' }).expect(201)).body.id as string;
    const secondToken = (await api.http.post(`/api/users/${second}/tokens`).set(admin).send({ name: 't' }).expect(201)).body.token as string;
    const [a, b] = await Promise.all([
      api.http.patch(`/api/users/${second}`).set(admin).send({ role: 'viewer' }),
      api.http.patch(`/api/users/${me.user.id}`).set({ Authorization: `Bearer ${secondToken}` }).send({ role: 'viewer' }),
    ]);
    // the loser is refused: LAST_ADMIN, or INSUFFICIENT_ROLE when it was demoted before its own call got in
    expect([a.status, b.status].filter((s) => s === 200)).toHaveLength(1);
    expect([a, b].filter((r) => r.status !== 200).map((r) => r.body.code)).toEqual([expect.stringMatching(/^(LAST_ADMIN|INSUFFICIENT_ROLE)$/)]);
    expect(await api.created.db.prisma.user.count({ where: { role: 'admin' } })).toBe(1);
    // put things back for the other tests: the bootstrap admin is the admin
    if (b.status === 200) {
      await api.http.patch(`/api/users/${me.user.id}`).set({ Authorization: `Bearer ${secondToken}` }).send({ role: 'admin' }).expect(200);
      await api.http.patch(`/api/users/${second}`).set(admin).send({ role: 'viewer' }).expect(200);
    }
    expect(ZMe.parse((await api.http.get('/api/auth/me').set(admin).expect(200)).body).user.role).toBe('admin');
  });

  it('names no server paths, hosts or schemas in /api/health', async () => {
    const res = await api.http.get('/api/health').expect(200);
    expect(leaks(res.body)).toEqual([]);
    expect(res.body.database.description).toMatch(api.config.database.kind === 'pglite' ? /PGlite/ : /PostgreSQL/);
  });

  it('names no server paths in error answers', async () => {
    const answers = [
      await api.http.post('/api/datasets/import').set(engineer).send({ path: 'does-not-exist', name: 'x', productLine: 'lens' }).expect(400),
      await api.http.post('/api/datasets/import').set(engineer).send({ path: '/etc', name: 'x', productLine: 'lens' }).expect(400),
      await api.http.post('/api/datasets/import').set(engineer).send({ path: `${api.importRoot}/nothing-here`, name: 'x', productLine: 'lens' }).expect(400),
      await api.http.post(`/api/versions/${randomUUID()}/export`).set(engineer).send({ path: 'x' }).expect(404),
    ];
    for (const res of answers) {
      expect(ZApiError.parse(res.body).code).toMatch(/PATH_NOT_ALLOWED|IMPORT_PATH_NOT_FOUND|VERSION_NOT_FOUND/);
      expect([res.body.message, leaks(res.body)]).toEqual([res.body.message, []]);
    }
  });

  it('keeps a short safe x-request-id and replaces any other with a fresh one', async () => {
    const kept = await api.http.get('/api/health').set('x-request-id', 'trace-42.a_B').expect(200);
    expect(kept.headers['x-request-id']).toBe('trace-42.a_B');
    const inError = await api.http.get('/api/datasets').set('x-request-id', 'trace-43').expect(401);
    expect(inError.body.requestId).toBe('trace-43');
    for (const bad of ['a'.repeat(65), 'has space', '<script>alert(1)</script>', 'semi;colon', 'ü-nicode']) {
      const res = await api.http.get('/api/datasets').set('x-request-id', bad).expect(401);
      expect([bad, res.headers['x-request-id']]).toEqual([bad, expect.stringMatching(UUID)]);
      expect(res.body.requestId).toBe(res.headers['x-request-id']);
    }
  });

  it('answers a malformed JSON body with MALFORMED_JSON carrying the request id', async () => {
    const res = await api.http.post('/api/datasets/import').set(engineer).set('content-type', 'application/json').send('{"path": "x", "name": ').expect(400);
    expect(ZApiError.parse(res.body)).toMatchObject({ code: 'MALFORMED_JSON', requestId: expect.stringMatching(UUID) });
    expect(res.body.requestId).toBe(res.headers['x-request-id']);
    const traced = await api.http.post('/api/users').set(admin).set('x-request-id', 'bad-json-1').set('content-type', 'application/json').send('{').expect(400);
    expect(traced.body).toMatchObject({ code: 'MALFORMED_JSON', requestId: 'bad-json-1' });
  });
});
