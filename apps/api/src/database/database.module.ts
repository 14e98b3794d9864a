import { Global, Inject, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import type { Database } from './database';

export const DATABASE = Symbol('DATABASE');

/** Closes the database when Nest shuts down. */
@Injectable()
class DatabaseLifecycle implements OnApplicationShutdown {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  async onApplicationShutdown(): Promise<void> {
    await this.db.close();
  }
}

/** Provides the already-open, migrated database (opened before Nest starts, see app.factory.ts). */
@Global()
@Module({})
export class DatabaseModule {
  static forDatabase(db: Database) {
    return {
      module: DatabaseModule,
      providers: [{ provide: DATABASE, useValue: db }, DatabaseLifecycle],
      exports: [DATABASE],
    };
  }
}
