import path from 'node:path';

/** Where the platform keeps its state when no external server is configured. */
export const DEFAULT_DATA_DIR = path.resolve(__dirname, '..', '..', '..', '..', '.data');

export type DatabaseConfig =
  | { readonly kind: 'postgres'; readonly url: string; readonly schema: string }
  | { readonly kind: 'pglite'; readonly dataDir: string };

/** Where the data side of the API reads and writes files (DEFECTLAB_* variables, see loadAppConfig). */
export interface StorageConfig {
  /** Root of the content-addressed artifact store (images, masks, later run artifacts). */
  readonly artifactsDir: string;
  /** Folders a server-side import may read from; every import path must resolve inside one of them. */
  readonly importRoots: readonly string[];
  /** Folder that exports are written under. */
  readonly exportRoot: string;
  /** Largest accepted upload archive, in bytes. */
  readonly uploadMaxBytes: number;
  /** Largest total size of the files inside an upload archive, in bytes. */
  readonly uploadMaxExtractedBytes: number;
  /** Most entries an upload archive may hold. */
  readonly uploadMaxEntries: number;
  /** Largest JSON request body, in bytes (relabel batches may carry masks). */
  readonly jsonBodyMaxBytes: number;
}

export interface AppConfig {
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  readonly database: DatabaseConfig;
  readonly logLevel: string;
  readonly storage: StorageConfig;
  /**
   * `DEFECTLAB_ADMIN_TOKEN`: an admin token to accept (created on start if unknown). When unset and the
   * database has no user yet, an admin and a random token are created and the token is printed once.
   */
  readonly adminToken: string | null;
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
    storage: storageConfigFrom(env, dataDir),
    adminToken: adminTokenFrom(env),
  };
}

/** Admin tokens have the shape of the tokens the API issues: `dl_` and at least 20 more URL-safe characters. */
export const ADMIN_TOKEN_PATTERN = /^dl_[A-Za-z0-9_-]{20,200}$/;

function adminTokenFrom(env: NodeJS.ProcessEnv): string | null {
  const token = env['DEFECTLAB_ADMIN_TOKEN'];
  if (token === undefined || token === '') return null;
  if (!ADMIN_TOKEN_PATTERN.test(token)) {
    throw new Error('DEFECTLAB_ADMIN_TOKEN must be "dl_" followed by at least 20 letters, digits, "_" or "-"');
  }
  return token;
}

const MIB = 1024 * 1024;

function positiveIntFrom(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n <= 0) throw new Error(`${name} must be a positive integer, got "${raw}"`);
  return n;
}

/**
 * - `DEFECTLAB_ARTIFACTS_DIR` (default `<data>/artifacts`)
 * - `DEFECTLAB_IMPORT_ROOTS`: colon-separated folders server-side imports may read (default `<data>/imports:<export root>`)
 * - `DEFECTLAB_EXPORT_ROOT` (default `<data>/exports`)
 * - `DEFECTLAB_UPLOAD_MAX_BYTES` (default 2 GiB), `DEFECTLAB_UPLOAD_MAX_EXTRACTED_BYTES` (default 4 GiB),
 *   `DEFECTLAB_UPLOAD_MAX_ENTRIES` (default 200000), `DEFECTLAB_JSON_MAX_BYTES` (default 16 MiB)
 */
function storageConfigFrom(env: NodeJS.ProcessEnv, dataDir: string): StorageConfig {
  const exportRoot = path.resolve(env['DEFECTLAB_EXPORT_ROOT'] ?? path.join(dataDir, 'exports'));
  const roots = env['DEFECTLAB_IMPORT_ROOTS'];
  const importRoots = roots
    ? roots.split(':').filter((r) => r !== '').map((r) => path.resolve(r))
    : [path.join(dataDir, 'imports'), exportRoot];
  return {
    artifactsDir: path.resolve(env['DEFECTLAB_ARTIFACTS_DIR'] ?? path.join(dataDir, 'artifacts')),
    importRoots,
    exportRoot,
    uploadMaxBytes: positiveIntFrom(env, 'DEFECTLAB_UPLOAD_MAX_BYTES', 2048 * MIB),
    uploadMaxExtractedBytes: positiveIntFrom(env, 'DEFECTLAB_UPLOAD_MAX_EXTRACTED_BYTES', 4096 * MIB),
    uploadMaxEntries: positiveIntFrom(env, 'DEFECTLAB_UPLOAD_MAX_ENTRIES', 200_000),
    jsonBodyMaxBytes: positiveIntFrom(env, 'DEFECTLAB_JSON_MAX_BYTES', 16 * MIB),
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
