/**
 * Stored XSS through artifacts (issue 16, item 1) and the API's security headers (item 9): an upload may only
 * declare a content type on its kind's list (never html, svg or xml); a download carries nosniff, a sandboxing
 * CSP and `attachment` for everything but an inline image, and serves a row stored before the allowlist with a
 * forbidden type as bytes; every answer (errors included) carries helmet's headers and no X-Powered-By.
 */
import path from 'node:path';
import { LEASE_TOKEN_HEADER, ZApiError, ZArtifact, ZClaimResult, ZRun, type TArtifactKind, type TWorkerJob } from '@defectlab/contracts';
import { startTestApi, type TestApi } from './support/api-harness';
import { writeFixtureDataset } from './support/mvtec-fixtures';
import { dropQueueSchema } from './support/run-fixtures';
import { assertPostgresReachable, TEST_DATABASES } from './support/test-databases';

beforeAll(assertPostgresReachable);

const WORKER = { hardware: { cpu: 'test' }, runtime: { node: process.version }, codeVersion: 'test' };
const SCRIPT_PAGE = Buffer.from('<html><body><script>fetch("/steal?" + document.cookie)</script></body></html>');
const SVG_PAGE = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.domain)</script></svg>');


describe.each(TEST_DATABASES.map((make) => [make().name, make] as const))('artifact and header security on %s', (_name, make) => {
  const testDb = make();
  let api: TestApi;
  let viewer: Record<string, string>;
  let leased: Record<string, string>;
  let runId: string;

  beforeAll(async () => {
    api = await startTestApi(testDb.fresh());
    const engineer = await api.auth('engineer');
    const worker = await api.auth('worker');
    viewer = await api.auth('viewer');
    await writeFixtureDataset(path.join(api.importRoot, 'lens'));
    const versionId = (await api.http.post('/api/datasets/import').set(engineer).send({ path: 'lens', name: 'lens', productLine: 'lens' }).expect(201)).body.version.id;
    runId = ZRun.parse((await api.http.post('/api/runs').set(engineer).send({ kind: 'csflow', datasetVersionId: versionId, config: { preset: 'small' } }).expect(201)).body).id;
    const job: TWorkerJob | null = ZClaimResult.parse((await api.http.post('/api/worker/claim').set(worker).send({ workerId: 'w', waitSeconds: 5, worker: WORKER }).expect(200)).body).job;
    if (!job || job.runId !== runId) throw new Error('the test run was not claimed');
    leased = { ...worker, [LEASE_TOKEN_HEADER]: job.leaseToken };
  });
  afterAll(async () => {
    await api?.close();
    if (api?.config.database.kind === 'postgres') await dropQueueSchema(api.config.database.schema);
    await testDb.cleanup();
  });

  const upload = (kind: TArtifactKind, contentType: string | null, body: Buffer) =>
    api.http
      .post(`/api/worker/runs/${runId}/artifacts?workerId=w&kind=${kind}${contentType === null ? '' : `&contentType=${encodeURIComponent(contentType)}`}`)
      .set(leased)
      .set('content-type', 'application/octet-stream')
      .send(body);
  const download = (artifactId: string) => api.http.get(`/api/artifacts/${artifactId}/content`).set(viewer).buffer(true).parse((res, cb) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => cb(null, Buffer.concat(chunks)));
  });
  const artifactCount = () => api.created.db.prisma.artifact.count({ where: { runId } });

  it('refuses html, svg and xml uploads of every kind, and a type of another kind (415), storing nothing', async () => {
    const before = await artifactCount();
    for (const kind of ['anomaly_map', 'log', 'report', 'onnx', 'weights', 'checkpoint'] as const) {
      for (const type of ['text/html', 'text/html; charset=utf-8', 'image/svg+xml', 'application/xhtml+xml', 'text/xml', 'application/xml', 'TEXT/HTML']) {
        const res = await upload(kind, type, SCRIPT_PAGE);
        expect([kind, type, res.status]).toEqual([kind, type, 400]);
        expect(ZApiError.parse(res.body).issues?.map((i) => i.path)).toContain('query.contentType');
      }
    }
    for (const [kind, type] of [['anomaly_map', 'application/json'], ['log', 'image/png'], ['report', 'text/plain'], ['onnx', 'image/png']] as const) {
      const res = await upload(kind, type, SVG_PAGE);
      expect([kind, type, res.status, res.body.code]).toEqual([kind, type, 415, 'ARTIFACT_TYPE_NOT_ALLOWED']);
    }
    expect(await artifactCount()).toBe(before);
  });

  it('serves an anomaly map inline as a png, and a log, report and onnx as attachments, all with nosniff and a sandboxing CSP', async () => {
    const map = ZArtifact.parse((await upload('anomaly_map', 'image/png', Buffer.from('png bytes')).expect(201)).body);
    const log = ZArtifact.parse((await upload('log', 'text/plain; charset=utf-8', Buffer.from('epoch 1\n')).expect(201)).body);
    const report = ZArtifact.parse((await upload('report', null, Buffer.from('{"ok":true}')).expect(201)).body);
    const onnx = ZArtifact.parse((await upload('onnx', null, Buffer.from('onnx bytes')).expect(201)).body);
    expect([report.contentType, onnx.contentType]).toEqual(['application/json', 'application/octet-stream']);

    const cases = [
      [map, /^image\/png$/, /^inline; filename="anomaly_map-[0-9a-f-]{36}\.png"$/, 'png bytes'],
      [log, /^text\/plain; charset=utf-8$/, /^attachment; filename="log-[0-9a-f-]{36}\.txt"$/, 'epoch 1\n'],
      [report, /^application\/json/, /^attachment; filename="report-[0-9a-f-]{36}\.json"$/, '{"ok":true}'],
      [onnx, /^application\/octet-stream$/, /^attachment; filename="onnx-[0-9a-f-]{36}\.bin"$/, 'onnx bytes'],
    ] as const;
    for (const [a, type, disposition, bytes] of cases) {
      const res = await download(a.id).expect(200);
      expect(res.headers['content-type']).toMatch(type);
      expect(res.headers['content-disposition']).toMatch(disposition);
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['content-security-policy']).toBe("default-src 'none'; sandbox");
      expect(res.headers['content-length']).toBe(String(Buffer.byteLength(bytes)));
      expect((res.body as Buffer).toString()).toBe(bytes);
    }
  });

  it('serves a row stored before the allowlist with text/html or svg as octet-stream attachments', async () => {
    // what an engineer could store before the fix: an html "log" and an svg "anomaly map"
    const stored = ZArtifact.parse((await upload('log', 'text/plain', SCRIPT_PAGE).expect(201)).body);
    for (const [kind, type] of [['log', 'text/html'], ['anomaly_map', 'image/svg+xml']] as const) {
      await api.created.db.prisma.artifact.update({ where: { id: stored.id }, data: { kind, contentType: type } });
      const res = await download(stored.id).expect(200);
      expect(res.headers['content-type']).toBe('application/octet-stream');
      expect(res.headers['content-disposition']).toMatch(/^attachment;/);
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['content-security-policy']).toContain('sandbox');
    }
  });

  it("puts helmet's headers on every answer, errors included, and no X-Powered-By", async () => {
    const answers = [
      ['health', await api.http.get('/api/health').expect(200)],
      ['openapi', await api.http.get('/api/openapi.json').expect(200)],
      ['no token', await api.http.get('/api/runs').expect(401)],
      ['unknown run', await api.http.get(`/api/runs/${runId.replace(/.$/, (c) => (c === 'f' ? 'e' : 'f'))}`).set(viewer).expect(404)],
      ['unknown route', await api.http.get('/api/no-such-route').set(viewer).expect(404)],
      ['malformed json', await api.http.post('/api/runs').set(viewer).set('content-type', 'application/json').send('{"broken').expect(400)],
    ] as const;
    for (const [what, res] of answers) {
      const h = res.headers;
      expect([what, h['x-powered-by'], h['x-content-type-options'], h['x-frame-options'], h['referrer-policy']]).toEqual([what, undefined, 'nosniff', 'DENY', 'no-referrer']);
      expect([what, h['content-security-policy']]).toEqual([what, "default-src 'none';frame-ancestors 'none';sandbox"]);
    }
  });
});
