import { Inject, Injectable } from '@nestjs/common';
import type { THealthResponse } from '@defectlab/contracts';
import { DATABASE } from '../database/database.module';
import type { Database } from '../database/database';
import { currentSchemaVersion } from '../database/migrator';
import { APP_VERSION } from '../version';

/** What health says about the database: its kind only (the public answer never names paths, hosts or schemas). */
const PUBLIC_DESCRIPTION = {
  pglite: 'PGlite (PostgreSQL in WebAssembly), embedded in the API process',
  postgres: 'PostgreSQL server',
} as const;

@Injectable()
export class HealthService {
  private readonly startedAt = Date.now();

  constructor(@Inject(DATABASE) private readonly db: Database) {}

  /** Reads the server version and the newest applied migration; throws when the database is unreachable. */
  async check(): Promise<THealthResponse> {
    const [{ version }] = await this.db.sql.query<{ version: string }>('SELECT version() AS version');
    return {
      status: 'ok',
      version: APP_VERSION,
      uptimeSeconds: Math.round((Date.now() - this.startedAt) / 100) / 10,
      database: {
        kind: this.db.sql.kind,
        description: PUBLIC_DESCRIPTION[this.db.sql.kind],
        serverVersion: version,
        schemaVersion: await currentSchemaVersion(this.db.sql),
      },
    };
  }
}
