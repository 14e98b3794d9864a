import path from 'node:path';

/** Where the platform keeps its state when no external server is configured. */
export const DEFAULT_DATA_DIR = path.resolve(__dirname, '..', '..', '..', '..', '.data');

export type DatabaseConfig =
  | { readonly kind: 'postgres'; readonly url: string; readonly schema: string }
  | { readonly kind: 'pglite'; readonly dataDir: string };

export interface AppConfig {
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  readonly database: DatabaseConfig;
  readonly logLevel: string;
}

/** Schema names are interpolated into SQL, so only plain identifiers are accepted. */
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Resolves the configuration from the environment.
 * - `DATABASE_URL` set: PostgreSQL through @prisma/adapter-pg, schema from `DATABASE_SCHEMA` or the URL's `?schema=`.
 * - otherwise: PGlite (PostgreSQL in WebAssembly) in `<DEFECTLAB_DATA_DIR>/pglite`.
 */
export function loadAppConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const dataDir = path.resolve(env['DEFECTLAB_DATA_DIR'] ?? DEFAULT_DATA_DIR);
  const port = Number(env['API_PORT'] ?? env['PORT'] ?? 3333);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`API_PORT must be an integer port number, got "${env['API_PORT'] ?? env['PORT']}"`);
  }
  return {
    port,
    host: env['API_HOST'] ?? '127.0.0.1',
    dataDir,
    database: databaseConfigFrom(env, dataDir),
    logLevel: env['LOG_LEVEL'] ?? 'info',
  };
}

function databaseConfigFrom(env: NodeJS.ProcessEnv, dataDir: string): DatabaseConfig {
  const url = env['DATABASE_URL'];
  if (!url) return { kind: 'pglite', dataDir: path.join(dataDir, 'pglite') };
  const parsed = new URL(url);
  const schema = env['DATABASE_SCHEMA'] ?? parsed.searchParams.get('schema') ?? 'public';
  if (!SCHEMA_NAME.test(schema)) {
    throw new Error(`database schema name "${schema}" must match ${SCHEMA_NAME}`);
  }
  parsed.searchParams.delete('schema');
  return { kind: 'postgres', url: parsed.toString(), schema };
}
