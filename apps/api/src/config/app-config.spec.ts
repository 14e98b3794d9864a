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
});
