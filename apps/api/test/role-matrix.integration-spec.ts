/**
 * Calls every endpoint of the contracts' API_ENDPOINTS with no token and with a token of each role (the
 * worker role included), and asserts the status: 401 without a token (public endpoints answer as usual),
 * 403 when the role does not satisfy the endpoint's minRole (a person below it, a person on a worker
 * endpoint, a worker anywhere else), and the endpoint's own answer otherwise. Worker calls carry a lease
 * header (of no claim) so that lease endpoints give their own answer; without one they are refused. A new
 * endpoint fails this spec until a row for it is added to CALLS below.
 */
import { API_ENDPOINTS, LEASE_TOKEN_HEADER, ROLES, roleSatisfies, type TRole } from '@defectlab/contracts';
import { startTestApi, type TestApi } from './support/api-harness';
import { assertPostgresReachable, TEST_DATABASES } from './support/test-databases';

beforeAll(assertPostgresReachable);

const NONE = '00000000-0000-4000-8000-000000000000';
const ZERO_SHA = '0'.repeat(64);

interface Call {
  readonly url: string;
  readonly body?: unknown;
  /** Status once the guard lets the caller through (the endpoint's own answer to this request). */
  readonly allowed: number;
}

/** One request per endpoint id, chosen to change nothing (unknown ids, invalid bodies). */
const CALLS: Record<string, Call> = {
  getHealth: { url: '/api/health', allowed: 200 },
  getOpenApiDocument: { url: '/api/openapi.json', allowed: 200 },
  getMe: { url: '/api/auth/me', allowed: 200 },
  listUsers: { url: '/api/users', allowed: 200 },
  createUser: { url: '/api/users', body: {}, allowed: 400 },
  updateUser: { url: `/api/users/${NONE}`, body: { role: 'viewer' }, allowed: 404 },
  listUserTokens: { url: `/api/users/${NONE}/tokens`, allowed: 404 },
  createUserToken: { url: `/api/users/${NONE}/tokens`, body: { name: 'x' }, allowed: 404 },
  revokeToken: { url: `/api/tokens/${NONE}`, allowed: 404 },
  listDatasets: { url: '/api/datasets', allowed: 200 },
  getDataset: { url: `/api/datasets/${NONE}`, allowed: 404 },
  importDataset: { url: '/api/datasets/import', body: { path: '../etc', name: 'x', productLine: 'x' }, allowed: 400 },
  uploadDataset: { url: '/api/datasets/upload', allowed: 400 },
  listImports: { url: '/api/imports', allowed: 200 },
  getImport: { url: `/api/imports/${NONE}`, allowed: 404 },
  getImage: { url: `/api/images/${NONE}`, allowed: 404 },
  getBlobContent: { url: `/api/blobs/${ZERO_SHA}`, allowed: 404 },
  listVersions: { url: `/api/datasets/${NONE}/versions`, allowed: 404 },
  getVersion: { url: `/api/versions/${NONE}`, allowed: 404 },
  listVersionLabels: { url: `/api/versions/${NONE}/labels`, allowed: 404 },
  diffVersions: { url: `/api/versions/${NONE}/diff?against=${NONE}`, allowed: 404 },
  exportVersion: { url: `/api/versions/${NONE}/export`, body: { path: 'x' }, allowed: 404 },
  commitLabelChanges: { url: `/api/versions/${NONE}/changes`, body: { changes: [{ imageId: NONE, value: 'good', reason: 'x' }] }, allowed: 404 },
  getImageHistory: { url: `/api/images/${NONE}/history`, allowed: 404 },
  getReviewQueue: { url: `/api/versions/${NONE}/review-queue`, allowed: 404 },
  listTargets: { url: '/api/targets', allowed: 200 },
  getTarget: { url: '/api/targets/nope', allowed: 404 },
  createTarget: { url: '/api/targets', body: {}, allowed: 400 },
  updateTarget: { url: '/api/targets/nope', body: { maxMissRate: 0.1, maxOverkillRate: 0.1, maxSizeBytes: 1, maxLatencyMs: 1 }, allowed: 404 },
  deleteTarget: { url: '/api/targets/nope', allowed: 404 },
  createRun: { url: '/api/runs', body: {}, allowed: 400 },
  listRuns: { url: '/api/runs', allowed: 200 },
  createRunGroup: { url: '/api/run-groups', body: {}, allowed: 400 },
  listRunGroups: { url: '/api/run-groups', allowed: 200 },
  getRunGroup: { url: `/api/run-groups/${NONE}`, allowed: 404 },
  getRun: { url: `/api/runs/${NONE}`, allowed: 404 },
  listRunProgress: { url: `/api/runs/${NONE}/progress`, allowed: 404 },
  cancelRun: { url: `/api/runs/${NONE}/cancel`, allowed: 404 },
  listRunArtifacts: { url: `/api/runs/${NONE}/artifacts`, allowed: 404 },
  getArtifactContent: { url: `/api/artifacts/${NONE}/content`, allowed: 404 },
  listRunEvaluations: { url: `/api/runs/${NONE}/evaluations`, allowed: 404 },
  getEvaluation: { url: `/api/evaluations/${NONE}`, allowed: 404 },
  listEvaluationPredictions: { url: `/api/evaluations/${NONE}/predictions`, allowed: 404 },
  reevaluate: { url: `/api/evaluations/${NONE}/reevaluate`, body: { datasetVersionId: NONE }, allowed: 404 },
  saveOperatingPoint: { url: `/api/evaluations/${NONE}/operating-points`, body: { name: 'line 3', threshold: 0.5 }, allowed: 404 },
  claimJob: { url: '/api/worker/claim', body: {}, allowed: 400 },
  heartbeat: { url: `/api/worker/runs/${NONE}/heartbeat`, body: {}, allowed: 400 },
  reportProgress: { url: `/api/worker/runs/${NONE}/progress`, body: {}, allowed: 400 },
  uploadArtifact: { url: `/api/worker/runs/${NONE}/artifacts`, allowed: 400 },
  submitEvaluation: { url: `/api/worker/runs/${NONE}/evaluations`, body: {}, allowed: 400 },
  completeRun: { url: `/api/worker/runs/${NONE}/complete`, body: {}, allowed: 400 },
  failRun: { url: `/api/worker/runs/${NONE}/fail`, body: {}, allowed: 400 },
  listJobLabels: { url: `/api/worker/runs/${NONE}/labels`, allowed: 404 },
  getJobBlob: { url: `/api/worker/runs/${NONE}/blobs/${ZERO_SHA}`, allowed: 404 },
  getJobArtifact: { url: `/api/worker/runs/${NONE}/artifacts/${NONE}/content`, allowed: 404 },
  getJobTargets: { url: `/api/worker/runs/${NONE}/targets`, allowed: 404 },
};

function expected(minRole: TRole | null, caller: TRole | null, allowed: number): number {
  if (minRole === null) return allowed;
  if (caller === null) return 401;
  return roleSatisfies(caller, minRole) ? allowed : 403;
}

// the guard does not depend on the database kind, so the matrix runs on PostgreSQL only
describe.each(TEST_DATABASES.map((make) => make()).filter((d) => d.name === 'postgres').map((d) => [d.name, d] as const))('role matrix on %s', (_name, testDb) => {
  let api: TestApi;
  const headers = new Map<TRole | null, Record<string, string>>();

  beforeAll(async () => {
    api = await startTestApi(testDb.fresh());
    headers.set(null, {});
    for (const role of ROLES) headers.set(role, await api.auth(role));
    headers.set('worker', { ...headers.get('worker'), [LEASE_TOKEN_HEADER]: 'lease_of-no-claim' });
  });
  afterAll(async () => {
    await api?.close();
    await testDb.cleanup();
  });

  it('has a call for every endpoint in the contracts', () => {
    expect(API_ENDPOINTS.map((e) => e.id).filter((id) => !CALLS[id])).toEqual([]);
  });

  it('answers every endpoint x (no token, viewer, curator, engineer, admin, worker) as the contract says', async () => {
    const table: string[] = [];
    const mismatches: string[] = [];
    for (const endpoint of API_ENDPOINTS) {
      const call = CALLS[endpoint.id];
      if (!call) continue;
      const row: string[] = [];
      for (const caller of [null, ...ROLES] as const) {
        let req = api.http[endpoint.method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete'](call.url).set(headers.get(caller) ?? {});
        if (call.body !== undefined) req = req.send(call.body as object);
        const status = (await req).status;
        const want = expected(endpoint.minRole, caller, call.allowed);
        row.push(String(status));
        if (status !== want) mismatches.push(`${endpoint.id} as ${caller ?? 'anonymous'}: ${status}, expected ${want}`);
      }
      table.push(`${endpoint.id.padEnd(20)} ${String(endpoint.minRole).padEnd(9)} ${row.join(' ')}`);
    }
    if (mismatches.length > 0) console.log(`endpoint             minRole   none viewer curator engineer admin worker\n${table.join('\n')}`);
    expect(mismatches).toEqual([]);
  });

  it('gives workers only worker endpoints, and refuses a worker call about a run without a lease token', async () => {
    expect(API_ENDPOINTS.filter((e) => e.minRole === 'worker').map((e) => e.path).every((p) => p.startsWith('/api/worker/'))).toBe(true);
    const bare = await api.auth('worker');
    for (const endpoint of API_ENDPOINTS.filter((e) => e.lease)) {
      const call = CALLS[endpoint.id];
      let req = api.http[endpoint.method.toLowerCase() as 'get' | 'post'](call.url).set(bare);
      if (call.body !== undefined) req = req.send(call.body as object);
      const res = await req;
      expect([endpoint.id, res.status, res.body.code]).toEqual([endpoint.id, 403, 'LEASE_TOKEN_REQUIRED']);
    }
    expect(API_ENDPOINTS.filter((e) => e.path.startsWith('/api/worker/runs/')).every((e) => e.lease === true)).toBe(true);
  });
});
