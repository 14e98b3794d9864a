import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { gzipSync } from 'node:zlib';
import { ZApiError, ZImportResult, ZVersionLabelPage } from '@defectlab/contracts';
import { startTestApi, tableCounts, type TestApi } from './support/api-harness';
import { filesOf, tarOf, writeFixtureDataset } from './support/mvtec-fixtures';
import { jpegDeclaring, pngDeclaring } from './support/pixel-bombs';
import { makeTar } from './support/tar-writer';
import { assertPostgresReachable, TEST_DATABASES } from './support/test-databases';

beforeAll(assertPostgresReachable);

const UPLOAD_MAX = 512 * 1024;

/** Files in the artifact store and in the upload scratch folder (both must stay empty after a rejected import). */
function storedFiles(api: TestApi): string[] {
  const out: string[] = [];
  for (const dir of [path.join(api.config.storage.artifactsDir, 'sha256'), path.join(api.dataDir, 'tmp', 'uploads')]) {
    const walk = (d: string) => {
      if (!existsSync(d)) return;
      for (const n of readdirSync(d)) {
        const f = path.join(d, n);
        if (statSync(f).isDirectory()) walk(f);
        else out.push(f);
      }
    };
    walk(dir);
  }
  return out;
}

describe.each(TEST_DATABASES.map((make) => [make().name, make] as const))('bad input gets a clear 4xx and nothing is stored, on %s', (_name, make) => {
  const testDb = make();
  let api: TestApi;
  let engineer: { Authorization: string };
  let curator: { Authorization: string };
  let outside: string;

  beforeAll(async () => {
    api = await startTestApi(testDb.fresh(), {
      env: { DEFECTLAB_UPLOAD_MAX_BYTES: String(UPLOAD_MAX), DEFECTLAB_UPLOAD_MAX_EXTRACTED_BYTES: String(2 * UPLOAD_MAX) },
    });
    engineer = await api.auth('engineer');
    curator = await api.auth('curator');
    outside = path.join(os.tmpdir(), `defectlab-outside-${process.pid}-${Date.now()}`);
    await writeFixtureDataset(outside);
  });
  afterAll(async () => {
    await api?.close();
    rmSync(outside, { recursive: true, force: true });
    await testDb.cleanup();
  });

  /** Imports folder `name` (a fresh fixture copy altered by `alter`) and expects a 400 (or `status`) naming `file`. */
  const rejectsFolder = async (name: string, alter: (root: string) => Promise<void> | void, code: string, file: string, status = 400) => {
    const root = path.join(api.importRoot, name);
    await writeFixtureDataset(root);
    await alter(root);
    const before = await tableCounts(api);
    const res = await api.http.post('/api/datasets/import').set(engineer).send({ path: name, name, productLine: 'lens' });
    expect(res.status).toBe(status);
    const body = ZApiError.parse(res.body);
    expect(body.code).toBe(code);
    expect(body.message).toContain(file);
    expect(await tableCounts(api)).toEqual(before);
    expect(storedFiles(api)).toEqual([]);
    return body;
  };

  it('refuses a non-image file with an image name', async () => {
    await rejectsFolder('non-image', (r) => writeFileSync(path.join(r, 'test', 'good', '001.png'), 'this is a text file, not a PNG'), 'INVALID_IMAGE', 'test/good/001.png');
  });

  it('refuses a truncated PNG', async () => {
    await rejectsFolder('truncated-png', (r) => {
      const f = path.join(r, 'train', 'good', '003.png');
      writeFileSync(f, readFileSync(f).subarray(0, 200));
    }, 'INVALID_IMAGE', 'train/good/003.png');
  });

  it('refuses a truncated JPEG', async () => {
    await rejectsFolder('truncated-jpeg', async (r) => {
      const jpeg = await sharp({ create: { width: 64, height: 64, channels: 3, background: { r: 90, g: 20, b: 200 } } }).jpeg().toBuffer();
      writeFileSync(path.join(r, 'test', 'good', '009.jpg'), jpeg.subarray(0, Math.floor(jpeg.length / 2)));
    }, 'INVALID_IMAGE', 'test/good/009.jpg');
  });

  it('refuses a corrupt image (valid header, garbage after it)', async () => {
    await rejectsFolder('corrupt', (r) => {
      const f = path.join(r, 'test', 'scratch', '001.png');
      const bytes = readFileSync(f);
      bytes.fill(0x5a, 40);
      writeFileSync(f, bytes);
    }, 'INVALID_IMAGE', 'test/scratch/001.png');
  });

  it('refuses a mask whose size differs from its image', async () => {
    const body = await rejectsFolder('mask-size', async (r) => {
      writeFileSync(path.join(r, 'ground_truth', 'smudge', '000_mask.png'), await sharp({ create: { width: 32, height: 64, channels: 3, background: { r: 0, g: 0, b: 0 } } }).png().toBuffer());
    }, 'MASK_SIZE_MISMATCH', 'ground_truth/smudge/000_mask.png');
    expect(body.message).toContain('32x64');
  });

  it('refuses pixel bombs (PNG and JPEG headers declaring 16000x16000) from the header, before decoding', async () => {
    const png = await rejectsFolder('png-bomb', (r) => writeFileSync(path.join(r, 'train', 'good', '000.png'), pngDeclaring(16000, 16000)), 'IMAGE_TOO_LARGE', 'train/good/000.png', 413);
    expect(png.message).toContain('16000x16000');
    await rejectsFolder('jpeg-bomb', async (r) => writeFileSync(path.join(r, 'test', 'good', '009.jpg'), await jpegDeclaring(16000, 16000)), 'IMAGE_TOO_LARGE', 'test/good/009.jpg', 413);
    await rejectsFolder('mask-bomb', (r) => writeFileSync(path.join(r, 'ground_truth', 'smudge', '000_mask.png'), pngDeclaring(12000, 12000)), 'IMAGE_TOO_LARGE', 'ground_truth/smudge/000_mask.png', 413);
  });

  it('refuses a folder without train/good', async () => {
    await rejectsFolder('no-train', (r) => rmSync(path.join(r, 'train'), { recursive: true }), 'INVALID_DATASET_LAYOUT', 'train');
  });

  it('refuses a symlinked file that leaves the dataset folder', async () => {
    await rejectsFolder('file-symlink', (r) => {
      rmSync(path.join(r, 'test', 'good', '002.png'));
      symlinkSync(path.join(outside, 'test', 'good', '002.png'), path.join(r, 'test', 'good', '002.png'));
    }, 'PATH_NOT_ALLOWED', 'test/good/002.png');
  });

  it('refuses paths outside the import roots: "..", absolute paths, a symlink to elsewhere, a missing folder', async () => {
    const before = await tableCounts(api);
    symlinkSync(outside, path.join(api.importRoot, 'escape'));
    const cases: [string, string][] = [
      ['../imports/../exports', 'PATH_NOT_ALLOWED'],
      [`${api.importRoot}/../../${path.basename(outside)}`, 'PATH_NOT_ALLOWED'],
      [outside, 'PATH_NOT_ALLOWED'],
      ['/etc', 'PATH_NOT_ALLOWED'],
      ['escape', 'PATH_NOT_ALLOWED'],
      [path.join(api.importRoot, 'escape'), 'PATH_NOT_ALLOWED'],
      ['does-not-exist', 'IMPORT_PATH_NOT_FOUND'],
    ];
    for (const [p, code] of cases) {
      const res = await api.http.post('/api/datasets/import').set(engineer).send({ path: p, name: 'escape', productLine: 'lens' });
      expect([p, res.status, res.body.code]).toEqual([p, 400, code]);
    }
    expect(await tableCounts(api)).toEqual(before);
    expect(storedFiles(api)).toEqual([]);
  });

  it('refuses malformed JSON, unknown fields and bad names', async () => {
    const before = await tableCounts(api);
    const malformed = await api.http.post('/api/datasets/import').set(engineer).set('content-type', 'application/json').send('{"path": "x", "name": ');
    expect([malformed.status, malformed.body.code]).toEqual([400, 'MALFORMED_JSON']);
    const unknown = await api.http.post('/api/datasets/import').set(engineer).send({ path: 'x', name: 'x', productLine: 'lens', extra: 1 });
    expect([unknown.status, unknown.body.code]).toEqual([400, 'VALIDATION_FAILED']);
    const badLine = await api.http.post('/api/datasets/import').set(engineer).send({ path: 'x', name: 'x', productLine: 'Lens Line!' });
    expect(badLine.body.issues[0].path).toBe('body.productLine');
    expect(await tableCounts(api)).toEqual(before);
  });

  describe('uploads', () => {
    const upload = (buf: Buffer, filename: string, fields: Record<string, string> = { name: 'uploaded lens', productLine: 'lens' }) => {
      let req = api.http.post('/api/datasets/upload').set(engineer);
      for (const [k, v] of Object.entries(fields)) req = req.field(k, v);
      return req.attach('archive', buf, filename);
    };
    const rejectsUpload = async (buf: Buffer, status: number, code: string, fields?: Record<string, string>) => {
      const before = await tableCounts(api);
      const res = await upload(buf, 'dataset.tar', fields).catch((err: { response?: { status: number; body: unknown } }) => err.response ?? { status: 0, body: {} });
      expect([res.status, (res.body as { code?: string }).code]).toEqual([status, code]);
      expect(await tableCounts(api)).toEqual(before);
      expect(storedFiles(api)).toEqual([]);
      return res.body as { message: string };
    };

    it('refuses an upload larger than DEFECTLAB_UPLOAD_MAX_BYTES with 413', async () => {
      await rejectsUpload(Buffer.alloc(UPLOAD_MAX + 4096, 1), 413, 'PAYLOAD_TOO_LARGE');
    });

    it('refuses an archive that expands beyond the extraction limit with 413', async () => {
      await rejectsUpload(gzipSync(makeTar([{ name: 'train/good/big.png', data: Buffer.alloc(3 * UPLOAD_MAX) }])), 413, 'UPLOAD_TOO_LARGE');
    });

    it(
      'refuses at once a 65 KB gzip whose pax header declares 1 GiB (the quadratic tar-header DoS)',
      async () => {
        const header = makeTar([{ name: 'PaxHeader/a', type: 'x', size: 1 << 30 }]).subarray(0, 512);
        const gz = gzipSync(Buffer.concat([header, Buffer.alloc(64 << 20)]), { level: 9 });
        expect(gz.length).toBeLessThan(UPLOAD_MAX);
        await rejectsUpload(gz, 400, 'INVALID_ARCHIVE');
        const longName = makeTar([{ name: '././@LongLink', type: 'L', data: Buffer.from(`train/good/${'a'.repeat(300_000)}.png`) }, { name: 'x.png', data: Buffer.from('x') }]);
        await rejectsUpload(gzipSync(longName), 400, 'INVALID_ARCHIVE');
      },
      60_000,
    );

    it('refuses archive entries with "..", absolute names or links', async () => {
      const png = readFileSync(path.join(outside, 'train', 'good', '000.png'));
      expect((await rejectsUpload(makeTar([{ name: 'train/good/../../../evil.png', data: png }]), 400, 'UNSAFE_ARCHIVE_ENTRY')).message).toContain('evil.png');
      await rejectsUpload(makeTar([{ name: '/tmp/evil.png', data: png }]), 400, 'UNSAFE_ARCHIVE_ENTRY');
      await rejectsUpload(makeTar([{ name: 'train/good/000.png', type: '2', linkname: '/etc/passwd' }]), 400, 'UNSAFE_ARCHIVE_ENTRY');
    });

    it('refuses a file that is not an archive, a missing archive and missing fields', async () => {
      await rejectsUpload(Buffer.from('PK\u0003\u0004 this is no tar'.repeat(50)), 400, 'INVALID_ARCHIVE');
      const noFile = await api.http.post('/api/datasets/upload').set(engineer).field('name', 'x').field('productLine', 'lens');
      expect([noFile.status, noFile.body.code]).toEqual([400, 'MISSING_ARCHIVE']);
      await rejectsUpload(tarOf(outside), 400, 'VALIDATION_FAILED', { productLine: 'lens' });
    });

    it('refuses an archive holding a corrupt image, naming it', async () => {
      const root = path.join(os.tmpdir(), `defectlab-bad-upload-${process.pid}`);
      await writeFixtureDataset(root);
      writeFileSync(path.join(root, 'test', 'good', '000.png'), 'GIF89a not really');
      try {
        expect((await rejectsUpload(tarOf(root, { gzip: true }), 400, 'INVALID_IMAGE')).message).toContain('test/good/000.png');
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    });

    it('imports a valid .tar.gz (dataset in a top-level folder) and, idempotently, the same content as a plain .tar', async () => {
      const res = await upload(tarOf(outside, { gzip: true, wrap: 'lens-dataset' }), 'lens.tar.gz').expect(201);
      const first = ZImportResult.parse(res.body);
      expect(first).toMatchObject({ created: true, dataset: { source: 'upload:lens.tar.gz', imageCount: 13 } });
      const again = ZImportResult.parse((await upload(tarOf(outside), 'lens.tar').expect(200)).body);
      expect(again).toMatchObject({ created: false, dataset: { id: first.dataset.id } });
      expect(readdirSync(path.join(api.dataDir, 'tmp', 'uploads'))).toEqual([]);
      const labels = ZVersionLabelPage.parse((await api.http.get(`/api/versions/${first.version.id}/labels?pageSize=100`).set(engineer).expect(200)).body);
      expect(labels.items.map((l) => l.relPath).sort()).toEqual([...filesOf(outside).keys()].filter((k) => !k.startsWith('ground_truth')).sort());
    });
  });

  describe('relabeling', () => {
    let versionId: string;
    let imageIds: Map<string, string>;
    let otherDatasetImage: string;

    beforeAll(async () => {
      const datasets = (await api.http.get('/api/datasets').set(curator).expect(200)).body as { name: string; headVersion: { id: string } }[];
      versionId = datasets.find((d) => d.name === 'uploaded lens')!.headVersion.id;
      const labels = ZVersionLabelPage.parse((await api.http.get(`/api/versions/${versionId}/labels?pageSize=100`).set(curator).expect(200)).body);
      imageIds = new Map(labels.items.map((l) => [l.relPath, l.imageId]));
      await writeFixtureDataset(path.join(api.importRoot, 'other-seed'), 5);
      const other = ZImportResult.parse((await api.http.post('/api/datasets/import').set(engineer).send({ path: 'other-seed', name: 'other', productLine: 'lens' }).expect(201)).body);
      const otherLabels = ZVersionLabelPage.parse((await api.http.get(`/api/versions/${other.version.id}/labels`).set(curator).expect(200)).body);
      otherDatasetImage = otherLabels.items[0].imageId;
    });

    const rejectsCommit = async (body: unknown, status: number, code: string, raw = false) => {
      const before = await tableCounts(api);
      let req = api.http.post(`/api/versions/${versionId}/changes`).set(curator);
      if (raw) req = req.set('content-type', 'application/json');
      const res = await req.send(body as object);
      expect([res.status, res.body.code]).toEqual([status, code]);
      expect(await tableCounts(api)).toEqual(before);
      return ZApiError.parse(res.body);
    };

    it('refuses unknown label values, a defective label without a defect type and duplicate images', async () => {
      const id = imageIds.get('test/good/000.png');
      const bad = await rejectsCommit({ changes: [{ imageId: id, value: 'scratched', reason: 'x' }] }, 400, 'VALIDATION_FAILED');
      expect(bad.issues?.[0].path).toBe('body.changes.0.value');
      const noType = await rejectsCommit({ changes: [{ imageId: id, value: 'defective', reason: 'x' }] }, 400, 'VALIDATION_FAILED');
      expect(noType.issues?.[0].path).toBe('body.changes.0.defectType');
      await rejectsCommit({ changes: [{ imageId: id, value: 'defective', defectType: '../x', reason: 'x' }] }, 400, 'VALIDATION_FAILED');
      await rejectsCommit({ changes: [{ imageId: id, value: 'good', reason: '' }] }, 400, 'VALIDATION_FAILED');
      await rejectsCommit({ changes: [] }, 400, 'VALIDATION_FAILED');
      const dup = await rejectsCommit({ changes: [{ imageId: id, value: 'good', uncertain: true, reason: 'a' }, { imageId: id, value: 'good', reason: 'b' }] }, 400, 'VALIDATION_FAILED');
      expect(dup.issues?.[0].path).toBe('body.changes.1.imageId');
    });

    it('refuses malformed JSON', async () => {
      await rejectsCommit('{"changes": [', 400, 'MALFORMED_JSON', true);
    });

    it('refuses relabeling an image that is not in the version', async () => {
      const res = await rejectsCommit({ changes: [{ imageId: imageIds.get('test/good/000.png'), value: 'good', uncertain: true, reason: 'ok' }, { imageId: otherDatasetImage, value: 'good', uncertain: true, reason: 'x' }] }, 400, 'IMAGE_NOT_IN_VERSION');
      expect(res.issues).toEqual([{ path: 'changes.1.imageId', message: expect.stringContaining(otherDatasetImage) }]);
      await rejectsCommit({ changes: [{ imageId: '00000000-0000-4000-8000-000000000000', value: 'good', reason: 'x' }] }, 400, 'IMAGE_NOT_IN_VERSION');
    });

    it('refuses a change that changes nothing, and masks that are not images or have the wrong size', async () => {
      await rejectsCommit({ changes: [{ imageId: imageIds.get('test/good/000.png'), value: 'good', reason: 'same' }] }, 400, 'NO_CHANGE');
      const small = (await sharp({ create: { width: 8, height: 8, channels: 3, background: { r: 255, g: 255, b: 255 } } }).png().toBuffer()).toString('base64');
      await rejectsCommit({ changes: [{ imageId: imageIds.get('test/good/000.png'), value: 'defective', defectType: 'scratch', reason: 'x', maskBase64: small }] }, 400, 'MASK_SIZE_MISMATCH');
      await rejectsCommit({ changes: [{ imageId: imageIds.get('test/good/000.png'), value: 'defective', defectType: 'scratch', reason: 'x', maskBase64: Buffer.from('not an image').toString('base64') }] }, 400, 'INVALID_MASK');
      // the rejected masks were checked before anything was stored
      expect(storedFiles(api).length).toBe(await api.created.db.prisma.blob.count());
    });

    it('checks a mask\'s declared size before decoding it: wrong size and pixel bombs are refused from the header', async () => {
      const id = imageIds.get('test/good/000.png');
      // a header that claims 8x8 with no decodable pixels: the size is refused before any decoding is tried
      const bomb = await rejectsCommit({ changes: [{ imageId: id, value: 'defective', defectType: 'scratch', reason: 'x', maskBase64: pngDeclaring(16000, 16000).toString('base64') }] }, 413, 'IMAGE_TOO_LARGE');
      expect(bomb.issues?.[0].path).toBe('changes.0.maskBase64');
      await rejectsCommit({ changes: [{ imageId: id, value: 'defective', defectType: 'scratch', reason: 'x', maskBase64: pngDeclaring(8, 8).toString('base64') }] }, 400, 'MASK_SIZE_MISMATCH');
    });

    it('refuses a stale version with 409', async () => {
      await api.http.post(`/api/versions/${versionId}/changes`).set(curator).send({ changes: [{ imageId: imageIds.get('test/good/001.png'), value: 'good', uncertain: true, reason: 'hmm' }] }).expect(201);
      await rejectsCommit({ changes: [{ imageId: imageIds.get('test/good/001.png'), value: 'defective', defectType: 'scratch', reason: 'x' }] }, 409, 'VERSION_CONFLICT');
    });

    it('refuses export paths outside the export root', async () => {
      for (const p of ['../x', '/tmp/x', 'a/../../x']) {
        const res = await api.http.post(`/api/versions/${versionId}/export`).set(engineer).send({ path: p });
        expect([p, res.status, res.body.code]).toEqual([p, 400, 'PATH_NOT_ALLOWED']);
      }
      expect(readdirSync(api.exportRoot)).toEqual([]);
      mkdirSync(path.join(api.exportRoot, 'taken'));
      expect((await api.http.post(`/api/versions/${versionId}/export`).set(engineer).send({ path: 'taken' }).expect(409)).body.code).toBe('EXPORT_EXISTS');
    });
  });
});
