import { Global, Module } from '@nestjs/common';
import { JobQueue } from './job-queue.service';
import { loadQueueConfig, QUEUE_CONFIG } from './queue-config';

/** The run queue (pg-boss) and its timing, shared by the runs and worker features. */
@Global()
@Module({ providers: [JobQueue, { provide: QUEUE_CONFIG, useFactory: () => loadQueueConfig(process.env) }], exports: [JobQueue, QUEUE_CONFIG] })
export class QueueModule {}
