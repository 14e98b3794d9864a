import path from 'node:path';
import { ARTIFACT_KINDS, DEFAULT_SWEEP_CONFIRM_LIMIT, type TArtifactKind } from '@defectlab/contracts';

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
  /** Most pixels (width x height, read from the header before decoding) of an imported image or a relabel mask. */
  readonly imageMaxPixels: number;
  /** Largest artifact a worker may upload, per kind, in bytes (413 ARTIFACT_TOO_LARGE beyond). */
  readonly artifactMaxBytes: Readonly<Record<TArtifactKind, number>>;
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
  /** `DEFECTLAB_SWEEP_CONFIRM_LIMIT` (default 12): a run group with more runs needs `confirm: true`. */
  readonly sweepConfirmLimit: number;
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
    sweepConfirmLimit: positiveIntFrom(env, 'DEFECTLAB_SWEEP_CONFIRM_LIMIT', DEFAULT_SWEEP_CONFIRM_LIMIT),
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

/**
 * Default of `DEFECTLAB_IMAGE_MAX_PIXELS`: 50 MP is about 7070 x 7070 (150 MB of decoded RGB); a 16000 x 16000
 * "pixel bomb" header (4.27 GB decoded at 16 bytes a pixel in libvips' pipeline) is refused before decoding.
 */
export const DEFAULT_IMAGE_MAX_PIXELS = 50_000_000;

/**
 * Default per-kind artifact caps: model files (weights, ONNX) and checkpoints (weights plus optimizer state)
 * get room for large backbones; anomaly maps are single PNGs; logs and reports are text / JSON.
 */
export const DEFAULT_ARTIFACT_MAX_BYTES: Readonly<Record<TArtifactKind, number>> = {
  weights: 2048 * MIB,
  checkpoint: 4096 * MIB,
  onnx: 2048 * MIB,
  anomaly_map: 32 * MIB,
  log: 64 * MIB,
  report: 64 * MIB,
};

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
 * - `DEFECTLAB_IMAGE_MAX_PIXELS` (default 50 000 000, about 7070 x 7070): larger images and masks are refused
 *   from their header, before decoding (413 IMAGE_TOO_LARGE)
 * - `DEFECTLAB_ARTIFACT_MAX_BYTES_<KIND>` (WEIGHTS, CHECKPOINT, ONNX, ANOMALY_MAP, LOG, REPORT): the largest
 *   artifact upload of that kind (defaults in DEFAULT_ARTIFACT_MAX_BYTES)
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
    imageMaxPixels: positiveIntFrom(env, 'DEFECTLAB_IMAGE_MAX_PIXELS', DEFAULT_IMAGE_MAX_PIXELS),
    artifactMaxBytes: Object.fromEntries(
      ARTIFACT_KINDS.map((kind) => [kind, positiveIntFrom(env, `DEFECTLAB_ARTIFACT_MAX_BYTES_${kind.toUpperCase()}`, DEFAULT_ARTIFACT_MAX_BYTES[kind])]),
    ) as Record<TArtifactKind, number>,
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
