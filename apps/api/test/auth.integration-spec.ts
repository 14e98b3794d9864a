import { createHash } from 'node:crypto';
import { ZApiError, ZIssuedToken, ZMe } from '@defectlab/contracts';
import { startTestApi, TEST_ADMIN_TOKEN, type TestApi } from './support/api-harness';
import { assertPostgresReachable, TEST_DATABASES } from './support/test-databases';

beforeAll(assertPostgresReachable);

describe.each(TEST_DATABASES.map((make) => [make().name, make] as const))('tokens and roles on %s', (_name, make) => {
  const testDb = make();
  const apis: TestApi[] = [];
  afterAll(async () => {
    for (const api of apis) await api.close();
    await testDb.cleanup();
  });

  describe('on a fresh database without DEFECTLAB_ADMIN_TOKEN', () => {
    const database = testDb.fresh();
    let first: TestApi;
    let token: string;

    it('creates an admin with a random token and announces it once, storing only its sha256', async () => {
      first = await startTestApi(database, { adminToken: null });
      apis.push(first);
      expect(first.announced).toHaveLength(1);
      const match = /^Admin token \(shown once\): (dl_[A-Za-z0-9_-]{43})$/.exec(first.announced[0]);
      expect(match).not.toBeNull();
      token = match![1];
      const me = ZMe.parse((await first.http.get('/api/auth/me').set('Authorization', `Bearer ${token}`).expect(200)).body);
      expect(me.user).toMatchObject({ role: 'admin', email: 'admin@localhost' });
      expect(me.token.prefix).toBe(token.slice(0, 9));
      const rows = await first.created.db.prisma.apiToken.findMany({ select: { tokenHash: true, prefix: true } });
      expect(rows).toEqual([{ tokenHash: createHash('sha256').update(token).digest('hex'), prefix: token.slice(0, 9) }]);
      const dump = JSON.stringify(await first.created.db.sql.query('SELECT * FROM "ApiToken"'));
      expect(dump).not.toContain(token);
      await first.close();
      apis.pop();
    });

    it('announces nothing on the next start, and the token still works', async () => {
      const second = await startTestApi(database, { adminToken: null });
      apis.push(second);
      expect(second.announced).toEqual([]);
      await second.http.get('/api/auth/me').set('Authorization', `Bearer ${token}`).expect(200);
    });
  });

  describe('with DEFECTLAB_ADMIN_TOKEN', () => {
    let api: TestApi;
    beforeAll(async () => {
      api = await startTestApi(testDb.fresh());
      apis.push(api);
    });

    it('accepts the configured token as admin without printing anything', async () => {
      expect(api.announced).toEqual([]);
      const me = ZMe.parse((await api.http.get('/api/auth/me').set('Authorization', `Bearer ${TEST_ADMIN_TOKEN}`).expect(200)).body);
      expect(me.user.role).toBe('admin');
      expect(me.token.lastUsedAt).not.toBeNull();
    });

    it('answers 401 for a missing, malformed, unknown or revoked token and 403 for a role too low', async () => {
      const noToken = await api.http.get('/api/datasets').expect(401);
      expect(ZApiError.parse(noToken.body).code).toBe('UNAUTHENTICATED');
      expect(noToken.headers['www-authenticate']).toBe('Bearer');
      expect((await api.http.get('/api/datasets').set('Authorization', 'Basic YWRtaW46YWRtaW4=').expect(401)).body.code).toBe('INVALID_TOKEN');
      expect((await api.http.get('/api/datasets').set('Authorization', 'Bearer dl_not-a-real-token').expect(401)).body.code).toBe('INVALID_TOKEN');

      const admin = { Authorization: `Bearer ${TEST_ADMIN_TOKEN}` };
      const user = await api.http.post('/api/users').set(admin).send({ email: 'Vera@Example.com', name: 'Vera', role: 'viewer' }).expect(201);
      expect(user.body.email).toBe('vera@example.com');
      expect((await api.http.post('/api/users').set(admin).send({ email: 'vera@example.com', name: 'Vera 2', role: 'viewer' }).expect(409)).body.code).toBe('EMAIL_TAKEN');
      const issued = ZIssuedToken.parse((await api.http.post(`/api/users/${user.body.id}/tokens`).set(admin).send({ name: 'laptop' }).expect(201)).body);
      const vera = { Authorization: `Bearer ${issued.token}` };
      await api.http.get('/api/datasets').set(vera).expect(200);
      const forbidden = await api.http.post('/api/targets').set(vera).send({}).expect(403);
      expect(forbidden.body).toMatchObject({ code: 'INSUFFICIENT_ROLE', message: expect.stringContaining('admin') });

      // a role change applies to existing tokens at once
      await api.http.patch(`/api/users/${user.body.id}`).set(admin).send({ role: 'engineer' }).expect(200);
      await api.http.get('/api/imports').set(vera).expect(200);

      const listed = await api.http.get(`/api/users/${user.body.id}/tokens`).set(admin).expect(200);
      expect(listed.body).toEqual([expect.objectContaining({ id: issued.id, name: 'laptop', prefix: issued.token.slice(0, 9), revokedAt: null })]);
      expect(JSON.stringify(listed.body)).not.toContain(issued.token);
      const revoked = await api.http.delete(`/api/tokens/${issued.id}`).set(admin).expect(200);
      expect(revoked.body.revokedAt).not.toBeNull();
      expect((await api.http.get('/api/datasets').set(vera).expect(401)).body.code).toBe('INVALID_TOKEN');
    });

    it('lists users for admins only', async () => {
      const admin = { Authorization: `Bearer ${TEST_ADMIN_TOKEN}` };
      const users = (await api.http.get('/api/users').set(admin).expect(200)).body as { email: string }[];
      expect(users.map((u) => u.email)).toContain('admin@localhost');
      await api.http.get('/api/users').set(await api.auth('engineer')).expect(403);
    });
  });
  describe('with DEFECTLAB_EMBEDDED_WORKER_TOKEN (a fresh token on each platform start)', () => {
    const database = testDb.fresh();
    const KEY = 'DEFECTLAB_EMBEDDED_WORKER_TOKEN';
    const saved = process.env[KEY];
    afterAll(() => {
      if (saved === undefined) delete process.env[KEY];
      else process.env[KEY] = saved;
    });
    const startWith = async (token: string) => {
      process.env[KEY] = token;
      const api = await startTestApi(database);
      apis.push(api);
      return api;
    };
    const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

    it('registers the token for the embedded worker (role worker) and revokes the one of the start before', async () => {
      const firstToken = 'dl_embedded-first-start-0123456789abcdefghijklmnopq';
      const secondToken = 'dl_embedded-second-start-0123456789abcdefghijklmnop';
      // a worker endpoint answers a worker's empty claim with 400 (a person's token: 403, an unknown one: 401)
      const claimWith = (api: TestApi, token: string) => api.http.post('/api/worker/claim').set(bearer(token)).send({});
      const first = await startWith(firstToken);
      await claimWith(first, firstToken).expect(400);
      const stored = await first.created.db.prisma.apiToken.findMany({ select: { name: true, user: { select: { email: true, role: true } } } });
      expect(stored).toContainEqual({ name: 'embedded worker', user: { email: 'embedded-worker@localhost', role: 'worker' } });
      await first.close();
      apis.pop();

      const second = await startWith(secondToken);
      await claimWith(second, secondToken).expect(400);
      expect((await claimWith(second, firstToken).expect(401)).body.code).toBe('INVALID_TOKEN');
      const tokens = await second.created.db.prisma.apiToken.findMany({ where: { user: { email: 'embedded-worker@localhost' } }, select: { revokedAt: true } });
      expect(tokens.map((t) => t.revokedAt === null).sort()).toEqual([false, true]);
    });
  });
});
