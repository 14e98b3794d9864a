import { existsSync } from 'node:fs';
import path from 'node:path';
import { ZCommitResult, ZImportResult, ZVersion, ZVersionLabelPage } from '@defectlab/contracts';
import { startTestApi, type TestApi } from './support/api-harness';
import { assertPostgresReachable, TEST_DATABASES } from './support/test-databases';

/** `../shared/datasets/magnetic_tile` beside the repository (1344 images, MVTec layout, see its SOURCE.txt). */
const SHARED_DATASETS = path.resolve(__dirname, '..', '..', '..', '..', 'shared', 'datasets');
const present = existsSync(path.join(SHARED_DATASETS, 'magnetic_tile'));
if (!present) console.warn(`skipping the magnetic_tile import: ${path.join(SHARED_DATASETS, 'magnetic_tile')} is absent`);

beforeAll(assertPostgresReachable);

// PostgreSQL only, and once: the real data set is the slow case, PGlite is covered by the generated data set
(present ? describe : describe.skip)('magnetic_tile through HTTP on PostgreSQL', () => {
  const testDb = TEST_DATABASES.map((make) => make()).find((d) => d.name === 'postgres')!;
  let api: TestApi;

  beforeAll(async () => {
    api = await startTestApi(testDb.fresh(), { extraImportRoots: [SHARED_DATASETS] });
  });
  afterAll(async () => {
    await api?.close();
    await testDb.cleanup();
  });

  it('imports all 1344 images with their 392 masks as version 1, then commits a relabel', async () => {
    const engineer = await api.auth('engineer');
    const started = Date.now();
    const res = await api.http.post('/api/datasets/import').set(engineer).send({ path: 'magnetic_tile', name: 'magnetic tile', productLine: 'tile' }).expect(201);
    const result = ZImportResult.parse(res.body);
    console.log(`magnetic_tile import: ${Date.now() - started} ms (${JSON.stringify(result.stats)})`);
    expect(result.dataset).toMatchObject({ imageCount: 1344, splits: { train: 776, validation: 0, test: 568 } });
    expect(result.stats).toMatchObject({ images: 1344, masks: 392 });

    const version = ZVersion.parse((await api.http.get(`/api/versions/${result.version.id}`).set(engineer).expect(200)).body);
    expect(version.counts).toMatchObject({ good: 952, defective: 392 });
    const count = async (qs: string) => ZVersionLabelPage.parse((await api.http.get(`/api/versions/${result.version.id}/labels?pageSize=1&${qs}`).set(engineer).expect(200)).body).total;
    expect(await count('defectType=blowhole')).toBe(115);
    expect(await count('defectType=fray')).toBe(32);
    const sample = ZVersionLabelPage.parse((await api.http.get(`/api/versions/${result.version.id}/labels?pageSize=1&defectType=crack`).set(engineer).expect(200)).body).items[0];
    expect(sample.maskSha256).toMatch(/^[0-9a-f]{64}$/);

    const commit = ZCommitResult.parse(
      (await api.http.post(`/api/versions/${result.version.id}/changes`).set(await api.auth('curator')).send({ changes: [{ imageId: sample.imageId, value: 'defective', defectType: 'crack', uncertain: true, reason: 'faint' }] }).expect(201)).body,
    );
    expect(commit.version.counts).toMatchObject({ images: 1344, defective: 392, uncertain: 1, changes: 1 });
  });
});
