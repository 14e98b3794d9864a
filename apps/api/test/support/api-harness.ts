import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import type { TRole } from '@defectlab/contracts';
import { createApp, type CreatedApp } from '../../src/app.factory';
import { loadAppConfig, type AppConfig, type DatabaseConfig } from '../../src/config/app-config';
import { createJsonLogger } from '../../src/logging/json-logger';

/** The admin token every test API accepts (registered through DEFECTLAB_ADMIN_TOKEN's code path). */
export const TEST_ADMIN_TOKEN = 'dl_test-admin-token-0123456789abcdef';

export interface TestApi {
  readonly created: CreatedApp;
  readonly config: AppConfig;
  /** A folder of its own: data dir with artifacts/, imports/ (an import root) and exports/ (also an import root). */
  readonly dataDir: string;
  readonly importRoot: string;
  readonly exportRoot: string;
  readonly http: ReturnType<typeof request>;
  /** Bearer header of a token for a fresh user with this role (admin: the admin token). */
  auth(role: TRole): Promise<{ Authorization: string }>;
  /** Lines passed to `announce` (the one-time admin token line). */
  readonly announced: string[];
  close(): Promise<void>;
}

/** Starts the whole API (not listening; supertest drives it) on a database and a data folder of its own. */
export async function startTestApi(
  database: DatabaseConfig,
  options: { extraImportRoots?: string[]; env?: Record<string, string>; adminToken?: string | null } = {},
): Promise<TestApi> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'defectlab-api-'));
  const importRoot = path.join(dataDir, 'imports');
  const exportRoot = path.join(dataDir, 'exports');
  mkdirSync(importRoot, { recursive: true });
  mkdirSync(exportRoot, { recursive: true });
  const base = loadAppConfig({
    DEFECTLAB_DATA_DIR: dataDir,
    DEFECTLAB_IMPORT_ROOTS: [importRoot, exportRoot, ...(options.extraImportRoots ?? [])].join(':'),
    ...options.env,
  });
  const config: AppConfig = { ...base, database, adminToken: options.adminToken === undefined ? TEST_ADMIN_TOKEN : options.adminToken };
  const announced: string[] = [];
  const created = await createApp(config, { logger: createJsonLogger(process.env['TEST_LOG_LEVEL'] ?? 'silent'), announce: (l) => announced.push(l) });
  await created.app.init();
  const http = request(created.app.getHttpServer());
  const tokens = new Map<TRole, string>();
  let n = 0;
  return {
    created,
    config,
    dataDir,
    importRoot,
    exportRoot,
    http,
    announced,
    async auth(role) {
      if (role === 'admin' && config.adminToken) return { Authorization: `Bearer ${config.adminToken}` };
      let token = tokens.get(role);
      if (!token) {
        const admin = { Authorization: `Bearer ${config.adminToken}` };
        const user = await http.post('/api/users').set(admin).send({ email: `${role}-${++n}-${Date.now()}@example.com`, name: `Test ${role}`, role }).expect(201);
        token = (await http.post(`/api/users/${user.body.id}/tokens`).set(admin).send({ name: 'test' }).expect(201)).body.token as string;
        tokens.set(role, token);
      }
      return { Authorization: `Bearer ${token}` };
    },
    async close() {
      await created.app.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Row counts of every table the data side writes, to prove that a rejected request stored nothing. */
export async function tableCounts(api: TestApi): Promise<Record<string, number>> {
  const p = api.created.db.prisma;
  const [blobs, datasets, images, versions, labels, changes] = await Promise.all([
    p.blob.count(),
    p.dataset.count(),
    p.image.count(),
    p.datasetVersion.count(),
    p.label.count(),
    p.labelChange.count(),
  ]);
  return { blobs, datasets, images, versions, labels, changes };
}
