import path from 'node:path';
import { loadAppConfig } from './app-config';

describe('loadAppConfig', () => {
  it('uses PGlite in the data folder when DATABASE_URL is not set', () => {
    const config = loadAppConfig({ DEFECTLAB_DATA_DIR: '/srv/dl' });
    expect(config.database).toEqual({ kind: 'pglite', dataDir: path.join('/srv/dl', 'pglite') });
    expect(config.port).toBe(3333);
  });

  it('uses PostgreSQL with the schema from the URL when DATABASE_URL is set', () => {
    const config = loadAppConfig({ DATABASE_URL: 'postgresql://u@db:5432/lab?schema=defectlab&sslmode=disable' });
    expect(config.database).toEqual({ kind: 'postgres', url: 'postgresql://u@db:5432/lab?sslmode=disable', schema: 'defectlab' });
  });

  it('rejects schema names that are not plain identifiers', () => {
    expect(() => loadAppConfig({ DATABASE_URL: 'postgresql://u@db/lab', DATABASE_SCHEMA: 'x"; DROP TABLE y' })).toThrow(/must match/);
  });

  it('rejects a port that is not a number', () => {
    expect(() => loadAppConfig({ API_PORT: 'eighty' })).toThrow(/API_PORT/);
  });

  it('puts artifacts, imports and exports under the data folder by default', () => {
    const config = loadAppConfig({ DEFECTLAB_DATA_DIR: '/srv/dl' });
    expect(config.storage.artifactsDir).toBe('/srv/dl/artifacts');
    expect(config.storage.exportRoot).toBe('/srv/dl/exports');
    expect(config.storage.importRoots).toEqual(['/srv/dl/imports', '/srv/dl/exports']);
    expect(config.adminToken).toBeNull();
  });

  it('reads colon-separated import roots, upload limits and the admin token', () => {
    const config = loadAppConfig({
      DEFECTLAB_IMPORT_ROOTS: '/data/a::/data/b',
      DEFECTLAB_UPLOAD_MAX_BYTES: '1000',
      DEFECTLAB_ADMIN_TOKEN: 'dl_0123456789abcdefghij',
    });
    expect(config.storage.importRoots).toEqual(['/data/a', '/data/b']);
    expect(config.storage.uploadMaxBytes).toBe(1000);
    expect(config.adminToken).toBe('dl_0123456789abcdefghij');
  });

  it('rejects malformed limits and admin tokens', () => {
    expect(() => loadAppConfig({ DEFECTLAB_UPLOAD_MAX_BYTES: '-1' })).toThrow(/DEFECTLAB_UPLOAD_MAX_BYTES/);
    expect(() => loadAppConfig({ DEFECTLAB_ADMIN_TOKEN: 'secret' })).toThrow(/DEFECTLAB_ADMIN_TOKEN/);
  });
});
