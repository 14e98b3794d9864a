import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { Logger } from 'pino';
import { LOGGER } from '../config/config.module';
import { JobQueue } from '../queue/job-queue.service';
import { QUEUE_CONFIG, type QueueConfig } from '../queue/queue-config';
import { RunsRepository } from './runs.repository';

/** What one reaper pass did, per run. */
export interface ReapOutcome {
  readonly runId: string;
  readonly outcome: 'retried' | 'failed' | 'cancelled';
  readonly reason: string;
}

/**
 * Takes back runs whose worker went silent: a running run whose last heartbeat is older than the timeout
 * is queued again while attempts remain (the next attempt resumes from the last checkpoint artifact),
 * else marked failed with the reason; a run whose cancel was requested ends cancelled. A run is never left
 * "running" without a live worker. Each transition is a conditional update on the heartbeat it read, so
 * several API processes can reap the same database without double-handling a run.
 */
@Injectable()
export class RunReaper implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;

  constructor(
    private readonly repo: RunsRepository,
    private readonly queue: JobQueue,
    @Inject(QUEUE_CONFIG) private readonly config: QueueConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      if (this.running) return;
      this.running = this.reap()
        .catch((err: Error) => this.logger.error({ err }, 'run reaper failed'))
        .finally(() => (this.running = null));
    }, this.config.reaperIntervalSeconds * 1000);
    this.timer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  /** One pass over silent running runs. */
  async reap(now: Date = new Date()): Promise<ReapOutcome[]> {
    const timeout = this.config.heartbeatTimeoutSeconds;
    const cutoff = new Date(now.getTime() - timeout * 1000);
    const silent = await this.repo.silentRuns(cutoff);
    const out: ReapOutcome[] = [];
    for (const r of silent) {
      const seen = r.heartbeatAt ? `${Math.round((now.getTime() - r.heartbeatAt.getTime()) / 1000)} s ago` : 'never';
      const lost = `attempt ${r.attempts} of ${r.maxAttempts}: worker ${r.workerId ?? '?'} stopped sending heartbeats (last ${seen}, limit ${timeout} s)`;
      let outcome: ReapOutcome['outcome'];
      let reason: string;
      let count: number;
      if (r.cancelRequestedAt) {
        outcome = 'cancelled';
        reason = `cancelled; ${lost}`;
        count = await this.repo.updateIfStillSilent(r, { status: 'cancelled', finishedAt: now, error: reason });
      } else if (r.attempts < r.maxAttempts) {
        outcome = 'retried';
        reason = `${lost}; queued again to resume from its last checkpoint`;
        count = await this.repo.updateIfStillSilent(r, { status: 'queued', workerId: null, heartbeatAt: null, error: reason });
        if (count === 1) await this.queue.enqueue(r.id);
      } else {
        outcome = 'failed';
        reason = `${lost}; no attempts left`;
        count = await this.repo.updateIfStillSilent(r, { status: 'failed', finishedAt: now, error: reason });
      }
      if (count === 1) {
        this.logger.warn({ runId: r.id, outcome, reason }, 'run reaped');
        out.push({ runId: r.id, outcome, reason });
      }
    }
    return out;
  }
}
