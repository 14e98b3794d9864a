import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import {
  ZCommitResult,
  ZDataset,
  ZExportResult,
  ZImageHistory,
  ZImportResult,
  ZReviewQueue,
  ZTarget,
  ZVersion,
  ZVersionDiff,
  ZVersionLabelPage,
  type TVersionLabel,
} from '@defectlab/contracts';
import { ImportsRepository } from '../src/datasets/imports.repository';
import { startTestApi, tableCounts, type TestApi } from './support/api-harness';
import { FIXTURE_IMAGES, writeFixtureDataset } from './support/mvtec-fixtures';
import { assertPostgresReachable, TEST_DATABASES } from './support/test-databases';

beforeAll(assertPostgresReachable);

async function maskPngBase64(width: number, height: number): Promise<string> {
  const pixels = Buffer.alloc(width * height);
  for (let y = 10; y < 20; y++) for (let x = 10; x < 30; x++) pixels[y * width + x] = 255;
  return (await sharp(pixels, { raw: { width, height, channels: 1 } }).png().toBuffer()).toString('base64');
}

describe.each(TEST_DATABASES.map((make) => [make().name, make] as const))('datasets, versions and relabeling on %s', (_name, make) => {
  const testDb = make();
  let api: TestApi;
  let engineer: { Authorization: string };
  let curator: { Authorization: string };
  let curator2: { Authorization: string };
  let viewer: { Authorization: string };
  let datasetId: string;
  let v1: string;

  const labelsOf = async (versionId: string): Promise<Map<string, TVersionLabel>> => {
    const res = await api.http.get(`/api/versions/${versionId}/labels?pageSize=500`).set(viewer).expect(200);
    return new Map(ZVersionLabelPage.parse(res.body).items.map((l) => [l.relPath, l]));
  };

  beforeAll(async () => {
    api = await startTestApi(testDb.fresh());
    await writeFixtureDataset(path.join(api.importRoot, 'lens-small'));
    engineer = await api.auth('engineer');
    curator = await api.auth('curator');
    viewer = await api.auth('viewer');
    const second = await api.http.post('/api/users').set(await api.auth('admin')).send({ email: 'curator-two@example.com', name: 'Second Curator', role: 'curator' }).expect(201);
    const token = await api.http.post(`/api/users/${second.body.id}/tokens`).set(await api.auth('admin')).send({ name: 't' }).expect(201);
    curator2 = { Authorization: `Bearer ${token.body.token}` };
  });
  afterAll(async () => {
    await api?.close();
    await testDb.cleanup();
  });

  it('imports an MVTec folder from an import root as version 1, with images, masks and labels', async () => {
    const importId = '6f1f0a52-59a3-4c56-9a0e-0d5f6c0c2b11';
    const res = await api.http.post('/api/datasets/import').set(engineer).send({ path: 'lens-small', name: 'lens small', productLine: 'lens', importId }).expect(201);
    const result = ZImportResult.parse(res.body);
    expect(result.created).toBe(true);
    expect(result.importId).toBe(importId);
    expect(result.version.number).toBe(1);
    expect(result.dataset).toMatchObject({ name: 'lens small', productLine: 'lens', imageCount: FIXTURE_IMAGES, splits: { train: 6, validation: 0, test: 7 }, versionCount: 1 });
    expect(result.dataset.source).toBe(`path:${path.join(api.importRoot, 'lens-small')}`);
    expect(result.stats).toMatchObject({ images: FIXTURE_IMAGES, masks: 4, newBlobs: FIXTURE_IMAGES + 4 });
    datasetId = result.dataset.id;
    v1 = result.version.id;

    const progress = await api.http.get(`/api/imports/${importId}`).set(engineer).expect(200);
    expect(progress.body).toMatchObject({ phase: 'done', datasetId, datasetName: 'lens small' });
    expect((await api.http.get('/api/imports').set(engineer).expect(200)).body.map((p: { importId: string }) => p.importId)).toContain(importId);

    const labels = await labelsOf(v1);
    expect(labels.size).toBe(FIXTURE_IMAGES);
    expect(labels.get('train/good/000.png')).toMatchObject({ value: 'good', defectType: null, maskSha256: null, split: 'train', width: 64, height: 64, source: { kind: 'import' } });
    const scratch = labels.get('test/scratch/001.png');
    expect(scratch).toMatchObject({ value: 'defective', defectType: 'scratch', split: 'test' });
    const maskBytes = readFileSync(path.join(api.importRoot, 'lens-small', 'ground_truth', 'scratch', '001_mask.png'));
    expect(scratch?.maskSha256).toBe(createHash('sha256').update(maskBytes).digest('hex'));

    const blob = await api.http.get(`/api/blobs/${scratch?.sha256}`).set(viewer).buffer(true).parse((r, cb) => {
      const chunks: Buffer[] = [];
      r.on('data', (c: Buffer) => chunks.push(c));
      r.on('end', () => cb(null, Buffer.concat(chunks)));
    }).expect(200);
    expect(blob.headers['content-type']).toBe('image/png');
    expect(blob.body).toEqual(readFileSync(path.join(api.importRoot, 'lens-small', 'test', 'scratch', '001.png')));
    const image = await api.http.get(`/api/images/${scratch?.imageId}`).set(viewer).expect(200);
    expect(image.body).toMatchObject({ datasetId, relPath: 'test/scratch/001.png', split: 'test', format: 'png', width: 64, height: 64 });
  });

  it('is idempotent: the same content under the same name answers the existing dataset and writes nothing', async () => {
    const before = await tableCounts(api);
    const res = await api.http.post('/api/datasets/import').set(engineer).send({ path: 'lens-small', name: 'lens small', productLine: 'lens' }).expect(200);
    expect(ZImportResult.parse(res.body)).toMatchObject({ created: false, dataset: { id: datasetId }, version: { id: v1 } });
    expect(await tableCounts(api)).toEqual(before);
  });

  it('deduplicates content across datasets and refuses a taken name with other content (409, nothing stored)', async () => {
    const before = await tableCounts(api);
    const copy = await api.http.post('/api/datasets/import').set(engineer).send({ path: path.join(api.importRoot, 'lens-small'), name: 'lens copy', productLine: 'lens' }).expect(201);
    expect(copy.body.stats.newBlobs).toBe(0);
    const after = await tableCounts(api);
    expect(after.blobs).toBe(before.blobs);
    expect(after.images).toBe(before.images + FIXTURE_IMAGES);

    await writeFixtureDataset(path.join(api.importRoot, 'lens-other'), 7);
    const taken = await api.http.post('/api/datasets/import').set(engineer).send({ path: 'lens-other', name: 'lens small', productLine: 'lens' }).expect(409);
    expect(taken.body.code).toBe('DATASET_NAME_TAKEN');
    expect(await tableCounts(api)).toEqual(after);

    const list = await api.http.get('/api/datasets?productLine=lens').set(viewer).expect(200);
    expect(list.body.map((d: { name: string }) => d.name).sort()).toEqual(['lens copy', 'lens small']);
    expect(ZDataset.parse((await api.http.get(`/api/datasets/${datasetId}`).set(viewer).expect(200)).body).headVersion.id).toBe(v1);
  });

  it('pages and filters labels', async () => {
    const page = ZVersionLabelPage.parse((await api.http.get(`/api/versions/${v1}/labels?page=2&pageSize=5`).set(viewer).expect(200)).body);
    expect(page).toMatchObject({ page: 2, pageSize: 5, total: FIXTURE_IMAGES });
    expect(page.items).toHaveLength(5);
    const count = async (qs: string) => (await api.http.get(`/api/versions/${v1}/labels?${qs}`).set(viewer).expect(200)).body.total;
    expect(await count('split=train')).toBe(6);
    expect(await count('defectType=scratch')).toBe(2);
    expect(await count('defectType=good')).toBe(9);
    expect(await count('value=defective&split=test')).toBe(4);
    expect(await count('value=defective&defectType=good')).toBe(0);
    const version = ZVersion.parse((await api.http.get(`/api/versions/${v1}`).set(viewer).expect(200)).body);
    expect(version).toMatchObject({ number: 1, isHead: true, parentId: null, counts: { images: FIXTURE_IMAGES, good: 9, defective: 4, uncertain: 0, changes: 0 } });
  });

  let v2: string;
  it('commits a batch of label changes as version 2, each label traceable to its decision', async () => {
    const labels = await labelsOf(v1);
    const mask = await maskPngBase64(64, 64);
    const res = await api.http
      .post(`/api/versions/${v1}/changes`)
      .set(curator)
      .send({
        note: 'first review',
        changes: [
          { imageId: labels.get('test/good/000.png')?.imageId, value: 'defective', defectType: 'scratch', reason: 'faint scratch at 10,10', maskBase64: mask },
          { imageId: labels.get('test/scratch/000.png')?.imageId, value: 'good', reason: 'dust on the sensor, not on the lens' },
          { imageId: labels.get('train/good/001.png')?.imageId, value: 'good', uncertain: true, reason: 'maybe a smudge' },
        ],
      })
      .expect(201);
    const result = ZCommitResult.parse(res.body);
    v2 = result.version.id;
    expect(result.version).toMatchObject({ number: 2, parentId: v1, note: 'first review', isHead: true, counts: { good: 9, defective: 4, uncertain: 1, changes: 3 } });
    expect(result.rebasedOnto).toBeNull();
    expect(result.changes.map((c) => [c.relPath, c.from.value, c.to.value, c.author.email.startsWith('curator')])).toEqual([
      ['test/good/000.png', 'good', 'defective', true],
      ['test/scratch/000.png', 'defective', 'good', true],
      ['train/good/001.png', 'good', 'good', true],
    ]);

    const after = await labelsOf(v2);
    const changed = after.get('test/good/000.png');
    expect(changed).toMatchObject({ value: 'defective', defectType: 'scratch', source: { kind: 'change', reason: 'faint scratch at 10,10', version: { number: 2 } } });
    expect(changed?.maskSha256).toBe(createHash('sha256').update(Buffer.from(mask, 'base64')).digest('hex'));
    expect(after.get('test/scratch/000.png')).toMatchObject({ value: 'good', defectType: null, maskSha256: null });
    expect(after.get('train/good/002.png')?.source).toEqual({ kind: 'import' });
    // version 1 is unchanged
    expect((await labelsOf(v1)).get('test/good/000.png')).toMatchObject({ value: 'good', source: { kind: 'import' } });
    expect((await api.http.get(`/api/versions/${v1}`).set(viewer).expect(200)).body.isHead).toBe(false);

    const diff = ZVersionDiff.parse((await api.http.get(`/api/versions/${v1}/diff?against=${v2}`).set(viewer).expect(200)).body);
    expect(diff).toMatchObject({ from: { number: 1 }, to: { number: 2 }, total: 3 });
    expect(diff.items.map((d) => [d.relPath, d.from.value, d.to.value, d.to.uncertain])).toEqual([
      ['test/good/000.png', 'good', 'defective', false],
      ['test/scratch/000.png', 'defective', 'good', false],
      ['train/good/001.png', 'good', 'good', true],
    ]);
  });

  let v3: string;
  it('lets one of two curators on the same base win; the other gets 409 naming the image, and nothing is lost', async () => {
    const labels = await labelsOf(v2);
    const target = labels.get('test/smudge/000.png')?.imageId;
    const other = labels.get('test/spot/000.png')?.imageId;
    const propose = (auth: { Authorization: string }, reason: string) =>
      api.http.post(`/api/versions/${v2}/changes`).set(auth).send({ changes: [{ imageId: target, value: 'good', reason }] });
    const [a, b] = await Promise.all([propose(curator, 'curator one: clean'), propose(curator2, 'curator two: clean')]);
    expect([a.status, b.status].sort()).toEqual([201, 409]);
    const [winner, loser] = a.status === 201 ? [a, b] : [b, a];
    v3 = winner.body.version.id;
    expect(winner.body.version.number).toBe(3);
    expect(loser.body.code).toBe('VERSION_CONFLICT');
    expect(loser.body.message).toContain('test/smudge/000.png');
    expect(loser.body.issues).toEqual([{ path: 'changes.0.imageId', message: expect.stringContaining('test/smudge/000.png') }]);

    // stale base, other image: refused unless the curator allows a rebase, then applied on top of version 3
    const stale = await api.http.post(`/api/versions/${v2}/changes`).set(curator2).send({ changes: [{ imageId: other, value: 'good', reason: 'spot is a reflection' }] }).expect(409);
    expect(stale.body.code).toBe('VERSION_CONFLICT');
    const rebased = ZCommitResult.parse(
      (await api.http.post(`/api/versions/${v2}/changes`).set(curator2).send({ allowRebase: true, changes: [{ imageId: other, value: 'good', reason: 'spot is a reflection' }] }).expect(201)).body,
    );
    expect(rebased.version.number).toBe(4);
    expect(rebased.version.parentId).toBe(v3);
    expect(rebased.rebasedOnto).toEqual({ id: v3, number: 3 });
    // both decisions are in version 4, version 3 keeps its own
    const v4labels = await labelsOf(rebased.version.id);
    expect(v4labels.get('test/smudge/000.png')).toMatchObject({ value: 'good', source: { kind: 'change', version: { number: 3 } } });
    expect(v4labels.get('test/spot/000.png')).toMatchObject({ value: 'good', source: { kind: 'change', version: { number: 4 } } });
    expect((await labelsOf(v3)).get('test/spot/000.png')).toMatchObject({ value: 'defective' });

    // a conflicting commit on a rebase is still refused
    const conflict = await api.http.post(`/api/versions/${v2}/changes`).set(curator2).send({ allowRebase: true, changes: [{ imageId: target, value: 'defective', defectType: 'smudge', reason: 'x' }] }).expect(409);
    expect(conflict.body.issues[0].message).toContain('test/smudge/000.png');

    const history = ZImageHistory.parse((await api.http.get(`/api/images/${target}/history`).set(viewer).expect(200)).body);
    expect(history.imported).toMatchObject({ value: 'defective', defectType: 'smudge', version: { number: 1 } });
    expect(history.changes).toHaveLength(1);
    expect(history.changes[0]).toMatchObject({ baseVersion: { id: v2 }, resultVersion: { number: 3 }, from: { value: 'defective' }, to: { value: 'good' } });
  });

  it('exports the head version as an MVTec folder; re-importing it gives the same labels', async () => {
    const head = ZDataset.parse((await api.http.get(`/api/datasets/${datasetId}`).set(viewer).expect(200)).body).headVersion;
    expect(head.number).toBe(4);
    const res = await api.http.post(`/api/versions/${head.id}/export`).set(engineer).send({ path: 'round-trip/lens-v4' }).expect(201);
    const exported = ZExportResult.parse(res.body);
    expect(exported).toMatchObject({ path: path.join(api.exportRoot, 'round-trip', 'lens-v4'), images: FIXTURE_IMAGES, masks: 2, movedToTest: [] });
    await api.http.post(`/api/versions/${head.id}/export`).set(engineer).send({ path: 'round-trip/lens-v4' }).expect(409);

    const again = ZImportResult.parse(
      (await api.http.post('/api/datasets/import').set(engineer).send({ path: 'round-trip/lens-v4', name: 'lens v4 reimport', productLine: 'lens' }).expect(201)).body,
    );
    const key = (l: TVersionLabel) => `${l.sha256} ${l.split} ${l.value} ${l.defectType} ${l.maskSha256}`;
    const original = [...(await labelsOf(head.id)).values()].map(key).sort();
    const reimported = [...(await labelsOf(again.version.id)).values()].map(key).sort();
    expect(reimported).toEqual(original);
  });

  it('ranks images for review: uncertain, recently changed, near a threshold, disagreement between models', async () => {
    const head = ZDataset.parse((await api.http.get(`/api/datasets/${datasetId}`).set(viewer).expect(200)).body).headVersion;
    const labels = await labelsOf(head.id);
    let queue = ZReviewQueue.parse((await api.http.get(`/api/versions/${head.id}/review-queue`).set(viewer).expect(200)).body);
    expect(queue.evaluationsConsidered).toBe(0);
    const byPath = new Map(queue.items.map((i) => [i.relPath, i]));
    expect(byPath.get('train/good/001.png')).toMatchObject({ priority: 1.5, reasons: { uncertain: true, recentChange: expect.any(Object) } });
    expect(byPath.get('test/spot/000.png')).toMatchObject({ priority: 0.5, reasons: { uncertain: false, nearThreshold: [], disagreement: null } });
    expect(queue.total).toBe(5); // 3 changes in v2 (one uncertain), 1 in v3, 1 in v4

    // two runs with evaluations on version 1; scores are inserted as the trainer will
    const p = api.created.db.prisma;
    const images = [...labels.values()];
    const a = labels.get('test/good/001.png')!;
    const b = labels.get('test/good/002.png')!;
    const evaluations: string[] = [];
    for (const [kind, flip] of [['csflow', false], ['patchcore', true]] as const) {
      const run = await p.run.create({ data: { kind, config: {}, datasetVersionId: v1, seed: 0, status: 'succeeded' } });
      const older = await p.evaluation.create({ data: { runId: run.id, datasetVersionId: v1, status: 'succeeded', createdAt: new Date(Date.now() - 3_600_000) } });
      await p.prediction.createMany({ data: images.map((l) => ({ evaluationId: older.id, imageId: l.imageId, imageSha256: '0'.repeat(64), split: l.split, score: 100 })) });
      const evaluation = await p.evaluation.create({ data: { runId: run.id, datasetVersionId: v1, status: 'succeeded' } });
      evaluations.push(evaluation.id);
      // scores spread 0..12; threshold 6; image a sits at 6.1 (near) in both, image b is 11 in one run and 1 in the other
      await p.prediction.createMany({
        data: images.map((l, i) => ({
          evaluationId: evaluation.id,
          imageId: l.imageId,
          imageSha256: '0'.repeat(64),
          split: l.split,
          score: l.imageId === a.imageId ? 6.1 : l.imageId === b.imageId ? (flip ? 1 : 11) : i % 2 === 0 ? 0 : 12,
        })),
      });
      // the default is the headline point miss<=0.5 %, whatever else the evaluation has
      const point = { evaluationId: evaluation.id, rule: {}, fitSplit: 'validation' as const, reportSplit: 'test' as const, datasetVersionId: v1, counts: {} };
      await p.operatingPoint.createMany({
        data: [
          { ...point, name: 'f1-max', threshold: 100 },
          { ...point, name: 'miss<=0.5%', threshold: 6 },
          { ...point, name: 'oracle:f1-max', threshold: 6.1, oracle: true },
        ],
      });
    }
    // a failed evaluation is ignored
    await p.evaluation.create({ data: { runId: (await p.evaluation.findUniqueOrThrow({ where: { id: evaluations[0] } })).runId, datasetVersionId: v1, status: 'failed' } });

    queue = ZReviewQueue.parse((await api.http.get(`/api/versions/${head.id}/review-queue?pageSize=3`).set(viewer).expect(200)).body);
    expect(queue.evaluationsConsidered).toBe(2);
    expect(queue.items[0]).toMatchObject({ relPath: 'test/good/002.png', reasons: { disagreement: { defective: 1, good: 1 } } });
    expect(queue.items[0].priority).toBeCloseTo(2, 5);
    const near = ZReviewQueue.parse((await api.http.get(`/api/versions/${head.id}/review-queue?split=test&defectType=good&operatingPoint=miss%3C%3D0.5%25`).set(viewer).expect(200)).body);
    const nearA = near.items.find((i) => i.relPath === 'test/good/001.png');
    expect(nearA?.reasons.nearThreshold).toHaveLength(2);
    expect(nearA?.reasons.nearThreshold[0]).toMatchObject({ score: 6.1, threshold: 6 });
    expect(nearA?.reasons.disagreement).toBeNull();
    expect(near.items.every((i) => i.split === 'test' && i.label.value === 'good')).toBe(true);
    const unknownPoint = ZReviewQueue.parse((await api.http.get(`/api/versions/${head.id}/review-queue?operatingPoint=nope`).set(viewer).expect(200)).body);
    expect(unknownPoint.items.some((i) => i.reasons.nearThreshold.length > 0 || i.reasons.disagreement)).toBe(false);
  });

  it('keeps per-product-line targets (admin writes, everyone reads)', async () => {
    const admin = await api.auth('admin');
    const body = { productLine: 'lens', maxMissRate: 0.005, maxOverkillRate: 0.2, maxSizeBytes: 400_000_000, maxLatencyMs: 25 };
    expect(ZTarget.parse((await api.http.post('/api/targets').set(admin).send(body).expect(201)).body)).toMatchObject(body);
    expect((await api.http.post('/api/targets').set(admin).send(body).expect(409)).body.code).toBe('TARGET_EXISTS');
    await api.http.post('/api/targets').set(engineer).send({ ...body, productLine: 'flex' }).expect(403);
    const updated = await api.http.put('/api/targets/lens').set(admin).send({ maxMissRate: 0.01, maxOverkillRate: 0.1, maxSizeBytes: 5e9, maxLatencyMs: 10 }).expect(200);
    expect(updated.body).toMatchObject({ productLine: 'lens', maxMissRate: 0.01, maxSizeBytes: 5e9 });
    expect((await api.http.get('/api/targets').set(viewer).expect(200)).body).toHaveLength(1);
    expect((await api.http.get('/api/targets/lens').set(viewer).expect(200)).body.maxLatencyMs).toBe(10);
    await api.http.put('/api/targets/smt').set(admin).send({ maxMissRate: 0.01, maxOverkillRate: 0.1, maxSizeBytes: 1, maxLatencyMs: 1 }).expect(404);
    await api.http.post('/api/targets').set(admin).send({ ...body, maxMissRate: 2 }).expect(400);
    await api.http.delete('/api/targets/lens').set(admin).expect(200);
    await api.http.get('/api/targets/lens').set(viewer).expect(404);
  });

  it('keeps per-version counts equal to a fresh group-by over the labels, after imports and relabel commits', async () => {
    const p = api.created.db.prisma;
    const versions = await p.datasetVersion.findMany({ select: { id: true, number: true, datasetId: true, imageCount: true, trainCount: true, validationCount: true, testCount: true } });
    expect(versions.some((v) => v.number >= 2)).toBe(true); // relabel commits happened above
    for (const v of versions) {
      const rows = await p.$queryRaw<{ split: string; n: number }[]>`
        SELECT i."split"::text AS "split", count(*)::int AS "n" FROM "Label" l JOIN "Image" i ON i."id" = l."imageId" WHERE l."versionId" = ${v.id}::uuid GROUP BY i."split"`;
      const by = Object.fromEntries(rows.map((r) => [r.split, r.n]));
      const fresh = { train: by['train'] ?? 0, validation: by['validation'] ?? 0, test: by['test'] ?? 0 };
      expect({ number: v.number, imageCount: v.imageCount, trainCount: v.trainCount, validationCount: v.validationCount, testCount: v.testCount }).toEqual({
        number: v.number,
        imageCount: fresh.train + fresh.validation + fresh.test,
        trainCount: fresh.train,
        validationCount: fresh.validation,
        testCount: fresh.test,
      });
    }
    const listed = ZDataset.array().parse((await api.http.get('/api/datasets').set(viewer).expect(200)).body);
    for (const d of listed) {
      expect(d.imageCount).toBe(await p.image.count({ where: { datasetId: d.id } }));
      expect(d.splits.train).toBe(await p.image.count({ where: { datasetId: d.id, split: 'train' } }));
    }
  });

  it('hides a dataset an import is still staging, answers 409 for its name, and discards it at the next start-up', async () => {
    const p = api.created.db.prisma;
    const staged = await p.dataset.create({ data: { name: 'half-imported', productLine: 'lens', importing: true, versions: { create: { number: 1, imageCount: 1, trainCount: 1 } } }, select: { id: true } });
    const listed = ZDataset.array().parse((await api.http.get('/api/datasets').set(viewer).expect(200)).body);
    expect(listed.map((d) => d.name)).not.toContain('half-imported');
    await api.http.get(`/api/datasets/${staged.id}`).set(viewer).expect(404);
    await writeFixtureDataset(path.join(api.importRoot, 'half'), 3);
    const again = await api.http.post('/api/datasets/import').set(engineer).send({ path: 'half', name: 'half-imported', productLine: 'lens' });
    expect([again.status, again.body.code]).toEqual([409, 'IMPORT_IN_PROGRESS']);
    expect(await new ImportsRepository(api.created.db).discardInterrupted()).toBe(1);
    expect(await p.dataset.findUnique({ where: { id: staged.id } })).toBeNull();
    await api.http.post('/api/datasets/import').set(engineer).send({ path: 'half', name: 'half-imported', productLine: 'lens' }).expect(201);
  });
});
