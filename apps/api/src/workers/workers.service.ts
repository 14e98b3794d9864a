import type { IncomingMessage } from 'node:http';
import { Inject, Injectable } from '@nestjs/common';
import {
  ARTIFACT_CONTENT_TYPES_BY_KIND,
  defaultArtifactContentType,
  isArtifactContentTypeAllowed,
  ZClaimInput,
  ZCompleteRunInput,
  ZReportProgressInput,
  ZSubmitEvaluationInput,
  resolveModelConfig,
  type TArtifact,
  type TArtifactKind,
  type TRun,
  type TWorkerAck,
  type TWorkerJob,
} from '@defectlab/contracts';
import { ZodError, type z } from 'zod';
import type { Prisma } from '../generated/prisma/client';
import { JobQueue } from '../queue/job-queue.service';
import { QUEUE_CONFIG, type QueueConfig } from '../queue/queue-config';
import { RunsError } from '../runs/runs.errors';
import { toArtifact } from '../runs/runs.repository';
import { RunsService } from '../runs/runs.service';
import { EvaluationsService } from '../evaluations/evaluations.service';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/app-config';
import { ARTIFACT_STORE, ObjectTooLargeError, type ArtifactStore } from '../storage/artifact-store';
import { issueLeaseToken } from './job-lease';
import { WorkersRepository } from './workers.repository';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** How often a long-polling claim looks at the queue. */
const CLAIM_POLL_MS = 250;

/** A run as the lease checks see it. */
export interface LeasedRun {
  readonly id: string;
  readonly status: string;
  readonly datasetVersionId: string;
  readonly cancelRequestedAt: Date | null;
}

/**
 * The worker protocol: claim a queued run, keep it alive, report progress, upload artifacts, submit the
 * evaluation, complete or fail. A claim issues a lease token (its sha256 is kept on the run); every call on
 * the run must bring it (`leaseHash` here). Another claim's token, or none, is refused (LEASE_NOT_HELD); the
 * token of a claim that ended (run finished, cancelled or taken back) changes nothing (LEASE_ENDED), though
 * a heartbeat with it still answers "stop", so its worker lets go.
 */
@Injectable()
export class WorkersService {
  constructor(
    private readonly workersRepo: WorkersRepository,
    private readonly queue: JobQueue,
    @Inject(QUEUE_CONFIG) private readonly config: QueueConfig,
    @Inject(ARTIFACT_STORE) private readonly store: ArtifactStore,
    @Inject(APP_CONFIG) private readonly appConfig: AppConfig,
    private readonly runs: RunsService,
    private readonly evaluations: EvaluationsService,
  ) {}

  /** Takes the next queued run for `workerId`, waiting up to `waitSeconds`. */
  async claim(input: z.output<typeof ZClaimInput>): Promise<{ job: TWorkerJob | null }> {
    const deadline = Date.now() + input.waitSeconds * 1000;
    for (;;) {
      const runId = await this.queue.take();
      if (runId) {
        const job = await this.start(runId, input);
        if (job) return { job };
        continue; // cancelled or already taken: look again at once
      }
      if (Date.now() >= deadline) return { job: null };
      await sleep(Math.min(CLAIM_POLL_MS, Math.max(0, deadline - Date.now())));
    }
  }

  private async start(runId: string, input: z.output<typeof ZClaimInput>): Promise<TWorkerJob | null> {
    const now = new Date();
    const lease = issueLeaseToken();
    const claimed = await this.workersRepo.claimQueued(runId, {
      workerId: input.workerId,
      leaseTokenHash: lease.hash,
      heartbeatAt: now,
      startedAt: now,
      hardware: input.worker.hardware as Prisma.InputJsonValue,
      runtime: input.worker.runtime as Prisma.InputJsonValue,
      codeVersion: input.worker.codeVersion,
    });
    if (!claimed) return null;
    const run = await this.workersRepo.claimedRun(runId);
    const checkpoint = await this.workersRepo.latestCheckpoint(runId);
    const c = (run.config ?? {}) as { backbone?: string; splitRule?: TWorkerJob['splitRule'] };
    const modelConfig = await this.modelConfigOf(run);
    if (!modelConfig) return null;
    return {
      runId: run.id,
      attempt: run.attempts,
      leaseToken: lease.token,
      kind: run.kind,
      datasetVersionId: run.datasetVersionId,
      backbone: c.backbone ?? 'default',
      modelConfig,
      seed: run.seed,
      splitRule: c.splitRule ?? null,
      resumeCheckpointArtifactId: checkpoint?.id ?? null,
      heartbeatIntervalSeconds: this.config.heartbeatIntervalSeconds,
      heartbeatTimeoutSeconds: this.config.heartbeatTimeoutSeconds,
    };
  }

  /**
   * The run's resolved model config. A run submitted before configs were resolved at submission is resolved
   * now, once, and stored; one whose config no longer resolves is failed with the reason (null).
   */
  private async modelConfigOf(run: { id: string; kind: TWorkerJob['kind']; config: unknown; resolvedConfig: unknown; seed: number }): Promise<Record<string, unknown> | null> {
    if (run.resolvedConfig && typeof run.resolvedConfig === 'object') return run.resolvedConfig as Record<string, unknown>;
    const legacy = (run.config ?? {}) as { config?: Record<string, unknown>; imageSize?: number | null };
    const { seed: _seed, ...given } = legacy.config ?? {};
    try {
      const resolved = resolveModelConfig(run.kind, { ...(legacy.imageSize ? { inputSize: legacy.imageSize } : {}), ...given }, run.seed);
      await this.workersRepo.updateRun(run.id, { resolvedConfig: resolved as Prisma.InputJsonValue });
      return resolved as Record<string, unknown>;
    } catch (e) {
      const reason = e instanceof ZodError ? e.issues.map((i) => `config.${i.path.join('.')}: ${i.message}`).join('; ') : (e as Error).message;
      await this.workersRepo.updateRun(run.id, { status: 'failed', finishedAt: new Date(), leaseTokenHash: null, error: `invalid ${run.kind} config: ${reason}` });
      return null;
    }
  }

  /**
   * The run `leaseHash` holds: throws RUN_NOT_FOUND, or LEASE_NOT_HELD when the token is not the one of the
   * run's latest claim. The lease is live while the run is running; see `requireLiveLease`.
   */
  async requireLease(runId: string, leaseHash: string): Promise<LeasedRun & { leaseTokenHash: string | null }> {
    const run = await this.workersRepo.leaseOf(runId);
    if (!run) throw new RunsError('RUN_NOT_FOUND', `no run ${runId}`);
    if (run.leaseTokenHash !== leaseHash) throw new RunsError('LEASE_NOT_HELD', `this lease token does not hold run ${runId}`);
    return run;
  }

  /** Like `requireLease`, and LEASE_ENDED unless the run is still running under that claim. */
  async requireLiveLease(runId: string, leaseHash: string): Promise<LeasedRun> {
    const run = await this.requireLease(runId, leaseHash);
    if (run.status !== 'running') throw new RunsError('LEASE_ENDED', `the claim on run ${runId} ended (run ${run.status}); nothing was stored`);
    return run;
  }

  /** Records a heartbeat of the lease holder; the answer says whether to stop. */
  async heartbeat(runId: string, leaseHash: string): Promise<TWorkerAck> {
    return (await this.beat(runId, leaseHash)).ack;
  }

  /** A heartbeat; `live` is true when the lease still holds the running run (only then may it write). */
  private async beat(runId: string, leaseHash: string): Promise<{ ack: TWorkerAck; live: boolean }> {
    const held = await this.workersRepo.updateWhileLeased(runId, leaseHash, { heartbeatAt: new Date() });
    const run = await this.requireLease(runId, leaseHash);
    if (!held) {
      return { live: false, ack: { stop: true, cancelRequested: run.cancelRequestedAt !== null, reason: `the claim on run ${runId} ended (run ${run.status})` } };
    }
    if (run.cancelRequestedAt) return { live: true, ack: { stop: true, cancelRequested: true, reason: `cancel requested at ${run.cancelRequestedAt.toISOString()}` } };
    return { live: true, ack: { stop: false, cancelRequested: false, reason: null } };
  }

  /** Stores progress points (and heartbeats); nothing is stored once the claim ended. */
  async progress(runId: string, leaseHash: string, input: z.output<typeof ZReportProgressInput>): Promise<TWorkerAck> {
    const { ack, live } = await this.beat(runId, leaseHash);
    if (!live) return ack;
    const now = new Date();
    await this.workersRepo.addProgressPoints(
      input.points.map((p) => ({
        runId,
        at: now,
        phase: p.phase,
        epoch: p.epoch ?? null,
        step: p.step ?? null,
        loss: p.loss !== undefined && Number.isFinite(p.loss) ? p.loss : null,
        throughput: p.throughput ?? null,
        etaSeconds: p.etaSeconds ?? null,
      })),
    );
    const last = input.points[input.points.length - 1];
    const progress = {
      phase: last.phase,
      epoch: last.epoch ?? null,
      epochs: last.epochs ?? null,
      step: last.step ?? null,
      steps: last.steps ?? null,
      loss: last.loss !== undefined && Number.isFinite(last.loss) ? last.loss : null,
      throughput: last.throughput ?? null,
      etaSeconds: last.etaSeconds ?? null,
      message: last.message ?? null,
      at: now.toISOString(),
    };
    await this.workersRepo.updateWhileLeased(runId, leaseHash, { progress });
    return ack;
  }

  /**
   * Streams an upload into the artifact store (sha256 computed on the way, never held in memory whole) and
   * records it on the run. Beyond the kind's cap (DEFECTLAB_ARTIFACT_MAX_BYTES_<KIND>) the answer is 413
   * ARTIFACT_TOO_LARGE: at once from a Content-Length that says so, else as soon as the stream passes the cap.
   * A content type off the kind's list (ARTIFACT_CONTENT_TYPES_BY_KIND: never html, svg or xml) is refused
   * before a byte is stored: 415 ARTIFACT_TYPE_NOT_ALLOWED.
   */
  async upload(runId: string, leaseHash: string, q: { workerId: string; kind: TArtifactKind; contentType?: string }, body: IncomingMessage): Promise<TArtifact> {
    await this.requireLiveLease(runId, leaseHash);
    const contentType = q.contentType ?? defaultArtifactContentType(q.kind);
    if (!isArtifactContentTypeAllowed(q.kind, contentType)) {
      const allowed = ARTIFACT_CONTENT_TYPES_BY_KIND[q.kind].join(', ');
      throw new RunsError('ARTIFACT_TYPE_NOT_ALLOWED', `a ${q.kind} artifact may not be ${contentType} (allowed: ${allowed})`, [
        { path: 'query.contentType', message: `one of ${allowed}` },
      ]);
    }
    const maxBytes = this.appConfig.storage.artifactMaxBytes[q.kind];
    const tooLarge = () => new RunsError('ARTIFACT_TOO_LARGE', `${q.kind} artifacts may be at most ${maxBytes} bytes (DEFECTLAB_ARTIFACT_MAX_BYTES_${q.kind.toUpperCase()})`);
    const declared = Number(body.headers['content-length']);
    if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge();
    let stored;
    try {
      // not destroyed when the cap is hit, so that the 413 still reaches the client (Node discards the rest)
      stored = await this.store.putStream(body.iterator({ destroyOnReturn: false }), { maxBytes });
    } catch (err) {
      if (err instanceof ObjectTooLargeError) throw tooLarge();
      throw err;
    }
    if (stored.bytes === 0) throw new RunsError('EMPTY_ARTIFACT', 'the upload body is empty (send the bytes as application/octet-stream)');
    // storage is content-addressed: the same bytes uploaded again for this run and kind are the same artifact
    // (identical anomaly maps, a retried upload); another run gets a row of its own on the same stored object
    const existing = await this.workersRepo.findArtifact({ storageKey: stored.key, runId, kind: q.kind });
    if (existing) return toArtifact(existing);
    const a = await this.workersRepo.createArtifact({ runId, kind: q.kind, storageKey: stored.key, bytes: BigInt(stored.bytes), sha256: stored.sha256, contentType });
    return toArtifact(a);
  }

  async submitEvaluation(runId: string, leaseHash: string, input: z.output<typeof ZSubmitEvaluationInput>): Promise<{ evaluationId: string }> {
    const run = await this.requireLiveLease(runId, leaseHash);
    return { evaluationId: await this.evaluations.storeWorkerEvaluation(runId, run.datasetVersionId, input) };
  }

  async complete(runId: string, leaseHash: string, input: z.output<typeof ZCompleteRunInput>): Promise<TRun> {
    await this.requireLiveLease(runId, leaseHash);
    const backboneId = await this.workersRepo.reportedBackbone(input.backbone);
    const held = await this.workersRepo.updateWhileLeased(runId, leaseHash, {
      status: 'succeeded',
      finishedAt: new Date(),
      fitReport: input.fitReport as Prisma.InputJsonValue,
      trainingBackend: input.trainingBackend,
      backboneId,
      error: null,
    });
    if (!held) throw new RunsError('LEASE_ENDED', `the claim on run ${runId} ended while completing`);
    return this.runs.get(runId);
  }

  /** Ends the run failed with the worker's reason, or cancelled when a cancel was requested. */
  async fail(runId: string, leaseHash: string, error: string): Promise<TRun> {
    const run = await this.requireLiveLease(runId, leaseHash);
    const cancelled = run.cancelRequestedAt !== null;
    const held = await this.workersRepo.updateWhileLeased(runId, leaseHash, {
      status: cancelled ? 'cancelled' : 'failed',
      finishedAt: new Date(),
      error: cancelled ? `cancelled: ${error}` : error,
    });
    if (!held) throw new RunsError('LEASE_ENDED', `the claim on run ${runId} ended while failing`);
    return this.runs.get(runId);
  }
}
