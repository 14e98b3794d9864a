import { Inject, Injectable, type BeforeApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { Logger } from 'pino';
import type { PgBoss } from 'pg-boss';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG, LOGGER } from '../config/config.module';
import type { Database } from '../database/database';
import { DATABASE } from '../database/database.module';

/** The pg-boss queue runs are dispatched through. */
export const RUN_QUEUE = 'runs';

interface RunJobData {
  readonly runId: string;
}

/**
 * The producer and the (API-side) consumer of the run queue, on pg-boss: on PostgreSQL in a schema of its
 * own next to the application's (`<app schema>_boss`), on PGlite through pg-boss's PGlite backend on the
 * application's own PGlite instance. Workers never reach it: they claim jobs through the API, which takes
 * one from here and hands the run over. The Run row owns the lifecycle (status, attempts, heartbeats);
 * a job only says "this run is waiting for a worker", so a taken job is completed at once and a retry sends
 * a new one.
 */
@Injectable()
export class JobQueue implements OnModuleInit, BeforeApplicationShutdown {
  private boss: PgBoss | null = null;

  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** Where the queue lives, e.g. 'PostgreSQL schema "app_boss"'. */
  description = '';

  async onModuleInit(): Promise<void> {
    const { PgBoss, fromPglite } = await import('pg-boss');
    const db = this.config.database;
    let boss: PgBoss;
    if (db.kind === 'postgres') {
      const schema = `${db.schema}_boss`;
      boss = new PgBoss({ connectionString: db.url, schema, max: 3, application_name: 'defectlab-api-queue' });
      this.description = `pg-boss in PostgreSQL schema "${schema}"`;
    } else {
      const pglite = this.db.sql.pglite;
      if (!pglite) throw new Error('the PGlite connection does not expose its instance');
      boss = new PgBoss({ db: fromPglite(pglite), backend: 'pglite', schema: 'pgboss' });
      this.description = 'pg-boss on PGlite (schema "pgboss")';
    }
    boss.on('error', (err: Error) => this.logger.error({ err }, 'job queue error'));
    await boss.start();
    await boss.createQueue(RUN_QUEUE).catch((err: Error) => {
      if (!/exists/i.test(err.message)) throw err;
    });
    this.boss = boss;
    this.logger.info({ queue: this.description }, 'job queue ready');
  }

  /** Stops before the database closes (DatabaseLifecycle closes it in onApplicationShutdown). */
  async beforeApplicationShutdown(): Promise<void> {
    const boss = this.boss;
    this.boss = null;
    await boss?.stop({ graceful: false, close: true }).catch((err: Error) => this.logger.warn({ err }, 'job queue stop failed'));
  }

  private get queue(): PgBoss {
    if (!this.boss) throw new Error('the job queue is not started');
    return this.boss;
  }

  /** Announces that a run waits for a worker. */
  async enqueue(runId: string): Promise<void> {
    await this.queue.send(RUN_QUEUE, { runId } satisfies RunJobData);
  }

  /** Takes the next waiting run id (its job is completed: the Run row carries the rest), or null. */
  async take(): Promise<string | null> {
    const [job] = await this.queue.fetch<RunJobData>(RUN_QUEUE, { batchSize: 1 });
    if (!job) return null;
    await this.queue.complete(RUN_QUEUE, job.id);
    return job.data.runId;
  }
}
