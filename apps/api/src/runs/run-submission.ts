import { Injectable } from '@nestjs/common';
import { resolveModelConfig, type TModelKind, type TResolvedModelConfig } from '@defectlab/contracts';
import { JobQueue } from '../queue/job-queue.service';
import { VersionsService } from '../versions/versions.service';

/** What a submission asks of every run it makes (a single run, or each point of a sweep). */
export interface RunRequest {
  readonly kind: TModelKind;
  readonly datasetVersionId: string;
  readonly backbone: unknown;
  readonly splitRule?: unknown;
  readonly seed: number;
  readonly maxAttempts: number;
}

/** A queued run to store: its config as asked and resolved (preset expanded, defaults filled) once. */
export interface NewRun {
  readonly kind: TModelKind;
  readonly datasetVersionId: string;
  readonly preset: string;
  readonly config: { backbone: unknown; config: unknown; splitRule: unknown };
  readonly resolvedConfig: TResolvedModelConfig;
  readonly seed: number;
  readonly maxAttempts: number;
  readonly createdById: string;
}

/**
 * The steps every way of submitting runs shares (POST /runs, and each run of a sweep): the dataset version
 * must exist, the config is resolved here and only here (the worker never re-interprets it), and the stored
 * runs are enqueued in order, with the caller undoing what could not be queued.
 */
@Injectable()
export class RunSubmission {
  constructor(
    private readonly queue: JobQueue,
    private readonly versions: VersionsService,
  ) {}

  /** DATASET_VERSION_NOT_FOUND (naming body.datasetVersionId) unless the requested version exists. */
  async checkVersion(request: RunRequest): Promise<void> {
    await this.versions.requireVersion(request.datasetVersionId, 'body.datasetVersionId');
  }

  /** A run of `request` with `modelConfig` (which the input schema has already checked to resolve). */
  newRun(request: RunRequest, modelConfig: unknown, createdById: string): NewRun {
    const resolvedConfig = resolveModelConfig(request.kind, modelConfig, request.seed);
    return {
      kind: request.kind,
      datasetVersionId: request.datasetVersionId,
      preset: resolvedConfig.preset,
      config: { backbone: request.backbone, config: modelConfig, splitRule: request.splitRule ?? null },
      resolvedConfig,
      seed: request.seed,
      maxAttempts: request.maxAttempts,
      createdById,
    };
  }

  /**
   * Enqueues the stored runs in order. When one cannot be queued, the runs already enqueued go on, `undo`
   * gets the ids not queued and the reason, and the error surfaces.
   */
  async enqueue(runIds: readonly string[], undo: (notQueued: string[], reason: Error) => Promise<void>): Promise<void> {
    for (const [i, id] of runIds.entries()) {
      try {
        await this.queue.enqueue(id);
      } catch (err) {
        await undo(runIds.slice(i), err as Error);
        throw err;
      }
    }
  }
}
