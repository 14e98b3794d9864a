import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import type { TImportProgress } from '@defectlab/contracts';
import type { Logger } from 'pino';
import { APP_CONFIG, LOGGER } from '../config/config.module';
import type { AppConfig } from '../config/app-config';
import { ARTIFACT_STORE, type ArtifactStore } from '../storage/artifact-store';
import { DatasetsError } from './datasets.errors';
import { ImportsRepository } from './imports.repository';
import { importMvtecDataset, type ImportOutcome, type ImportProgressEvent } from './import/import-dataset';
import { resolveImportFolder } from './import/import-roots';
import { ArchiveError, extractTarArchive } from './import/tar-extract';

/** Finished imports kept for GET /api/imports. */
const KEEP_FINISHED = 50;

export interface ImportCommand {
  readonly name: string;
  readonly productLine: string;
  readonly description?: string;
  readonly importId?: string;
  readonly createdById: string;
}

/**
 * Runs imports (server folder or uploaded archive) and keeps their progress in memory for
 * GET /api/imports(/:importId); progress is also logged (phase changes and every 10 %).
 */
@Injectable()
export class ImportsService {
  private readonly progress = new Map<string, TImportProgress>();
  private readonly runningNames = new Set<string>();

  constructor(
    private readonly imports: ImportsRepository,
    @Inject(ARTIFACT_STORE) private readonly store: ArtifactStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  list(): TImportProgress[] {
    return [...this.progress.values()].sort((a, b) => (a.startedAt < b.startedAt ? 1 : -1));
  }

  get(importId: string): TImportProgress {
    const p = this.progress.get(importId);
    if (!p) throw new DatasetsError('IMPORT_NOT_FOUND', `no import ${importId} on this API process`);
    return p;
  }

  async fromPath(requested: string, cmd: ImportCommand): Promise<ImportOutcome & { importId: string }> {
    return this.track(cmd, `path:${requested}`, async () => {
      const root = await resolveImportFolder(requested, this.config.storage.importRoots);
      return { root, source: `path:${root}` };
    });
  }

  /** Imports an uploaded archive (already on disk); the archive and its extraction are removed afterwards. */
  async fromArchive(archive: string, originalName: string, cmd: ImportCommand): Promise<ImportOutcome & { importId: string }> {
    const workDir = path.join(this.config.dataDir, 'tmp', 'uploads', `extract-${randomUUID()}`);
    try {
      return await this.track(cmd, `upload:${originalName}`, async () => {
        try {
          await extractTarArchive(archive, workDir, {
            maxBytes: this.config.storage.uploadMaxExtractedBytes,
            maxEntries: this.config.storage.uploadMaxEntries,
          });
        } catch (err) {
          if (err instanceof ArchiveError) throw new DatasetsError(err.code, err.message, err.entry ? [{ path: err.entry, message: err.message }] : undefined);
          throw err;
        }
        return { root: await datasetRootIn(workDir), source: `upload:${originalName}` };
      });
    } finally {
      await fs.rm(workDir, { recursive: true, force: true });
      await fs.rm(archive, { force: true });
    }
  }

  private async track(
    cmd: ImportCommand,
    sourceHint: string,
    locate: () => Promise<{ root: string; source: string }>,
  ): Promise<ImportOutcome & { importId: string }> {
    const importId = cmd.importId ?? randomUUID();
    const running = this.progress.get(importId);
    if (running && !running.finishedAt) throw new DatasetsError('IMPORT_IN_PROGRESS', `import ${importId} is running`);
    if (this.runningNames.has(cmd.name)) throw new DatasetsError('IMPORT_IN_PROGRESS', `an import of "${cmd.name}" is running on this API process`);
    this.runningNames.add(cmd.name);
    const entry: TImportProgress = {
      importId,
      datasetName: cmd.name,
      source: sourceHint,
      phase: 'queued',
      done: 0,
      total: 0,
      startedAt: new Date().toISOString(),
      finishedAt: null,
      error: null,
      datasetId: null,
    };
    this.remember(entry);
    const log = this.logger.child({ importId, dataset: cmd.name });
    let lastDecile = -1;
    const onProgress = (e: ImportProgressEvent) => {
      const phaseChanged = e.phase !== entry.phase;
      Object.assign(entry, e);
      const decile = e.total > 0 ? Math.floor((10 * e.done) / e.total) : 0;
      if (phaseChanged || decile !== lastDecile) {
        lastDecile = decile;
        log.info({ phase: e.phase, done: e.done, total: e.total }, `import ${e.phase} ${e.done}/${e.total}`);
      }
    };
    try {
      const { root, source } = await locate();
      entry.source = source;
      log.info({ source }, 'import started');
      const outcome = await importMvtecDataset(
        { imports: this.imports, store: this.store, maxImagePixels: this.config.storage.imageMaxPixels },
        { root, name: cmd.name, productLine: cmd.productLine, description: cmd.description, source, createdById: cmd.createdById },
        onProgress,
      );
      Object.assign(entry, { phase: 'done', datasetId: outcome.datasetId, finishedAt: new Date().toISOString() });
      log.info({ created: outcome.created, datasetId: outcome.datasetId, ...outcome.stats }, 'import finished');
      return { ...outcome, importId };
    } catch (err) {
      Object.assign(entry, { phase: 'failed', error: (err as Error).message, finishedAt: new Date().toISOString() });
      log.warn({ error: (err as Error).message }, 'import failed; nothing was written to the database');
      throw err;
    } finally {
      this.runningNames.delete(cmd.name);
    }
  }

  private remember(entry: TImportProgress): void {
    this.progress.set(entry.importId, entry);
    const finished = [...this.progress.values()].filter((p) => p.finishedAt);
    for (const old of finished.slice(0, Math.max(0, finished.length - KEEP_FINISHED))) this.progress.delete(old.importId);
  }
}

/** The dataset folder of an extracted archive: its top level, or its single top-level folder. */
async function datasetRootIn(dir: string): Promise<string> {
  const entries = (await fs.readdir(dir, { withFileTypes: true })).filter((e) => !e.name.startsWith('.') && e.name !== '__MACOSX');
  if (entries.some((e) => e.isDirectory() && e.name === 'train')) return dir;
  const folders = entries.filter((e) => e.isDirectory());
  if (folders.length === 1) {
    const inner = path.join(dir, folders[0].name);
    if ((await fs.readdir(inner)).includes('train')) return inner;
  }
  throw new DatasetsError('INVALID_DATASET_LAYOUT', 'the archive must hold train/good (and test/, ground_truth/) at its top level or inside one top-level folder');
}
