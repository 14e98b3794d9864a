import { randomUUID } from 'node:crypto';
import type { TImportPhase } from '@defectlab/contracts';
import { isUniqueViolation } from '../../database/unique-violation';
import { AppError } from '../../errors/app-error';
import { FileChangedError, type ArtifactStore } from '../../storage/artifact-store';
import type { ImportsRepository } from '../imports.repository';
import { validateMvtecFolder, type FileFacts, type Manifest } from './validate-mvtec';

export interface ImportRequest {
  /** Absolute dataset folder (already confined to the import roots, or an extracted upload). */
  readonly root: string;
  readonly name: string;
  readonly productLine: string;
  readonly description?: string;
  /** "path:<folder>" or "upload:<file name>". */
  readonly source: string;
  readonly createdById: string | null;
}

export interface ImportOutcome {
  readonly created: boolean;
  readonly datasetId: string;
  readonly versionId: string;
  readonly versionNumber: number;
  readonly stats: { images: number; masks: number; newBlobs: number; bytes: number; durationMs: number };
}

export interface ImportProgressEvent {
  readonly phase: TImportPhase;
  readonly done: number;
  readonly total: number;
}

export interface ImportDeps {
  readonly imports: ImportsRepository;
  readonly store: ArtifactStore;
  /** Most pixels an image or mask may declare (default DEFAULT_IMAGE_MAX_PIXELS). */
  readonly maxImagePixels?: number;
}

/**
 * Images written per batch transaction (with their blobs and labels): about 300 rows, tens of milliseconds on
 * an idle machine. The embedded database (PGlite) has one connection, so after each batch the import pauses
 * as long as the batch took (at most IMPORT_MAX_PAUSE_MS): requests that need several queries in a row (auth,
 * then their reads) get them all in, instead of one query per batch. Measured by
 * apps/api/bench/import-latency.bench.ts.
 */
export const IMPORT_BATCH_IMAGES = 100;
const IMPORT_MAX_PAUSE_MS = 250;

/**
 * Imports an MVTec-layout folder as a new dataset with version 1, in three phases:
 * 1. validate every image and mask (nothing written; a bad file is a 4xx naming it);
 * 2. store each distinct file in the content-addressed artifact store (deduplicated by sha256);
 * 3. write the rows in bounded batches (see imports.repository.ts): the Dataset is created `importing` (invisible
 *    to readers) with version 1 and its counts, each batch transaction writes the Blobs, Images and Labels of
 *    up to IMPORT_BATCH_IMAGES images (pausing between batches), and a last statement makes the dataset visible.
 * A failure deletes the staged rows; a killed process leaves them `importing`, and the next start-up deletes
 * them (ImportsRepository.discardInterrupted), so readers never see a partial dataset. Files in the store stay and are
 * reused by the next import of the same content. Idempotent: importing the same content under the same name
 * again answers the existing dataset (`created: false`) and writes nothing; the same name with other content
 * is a 409, and while an import of that name runs, 409 IMPORT_IN_PROGRESS.
 * `onProgress` is called after every batch (phase "database", rows written so far).
 */
export async function importMvtecDataset(
  deps: ImportDeps,
  req: ImportRequest,
  onProgress: (event: ImportProgressEvent) => void = () => undefined,
): Promise<ImportOutcome> {
  const started = Date.now();
  onProgress({ phase: 'scanning', done: 0, total: 0 });
  const manifest = await validateMvtecFolder(req.root, (done, total) => onProgress({ phase: 'validating', done, total }), { maxImagePixels: deps.maxImagePixels });
  const files = distinctFiles(manifest);
  const masks = manifest.entries.filter((e) => e.mask).length;
  const stats = (newBlobs: number) => ({
    images: manifest.entries.length,
    masks,
    newBlobs,
    bytes: files.reduce((n, f) => n + f.bytes, 0),
    durationMs: Date.now() - started,
  });

  const existing = await findExisting(deps.imports, req.name, manifest.fingerprint);
  if (existing) return { created: false, ...existing, stats: stats(0) };

  let newBlobs = 0;
  let stored = 0;
  onProgress({ phase: 'storing', done: 0, total: files.length });
  await forEachLimited(files, 4, async (f) => {
    try {
      if ((await deps.store.putFile(f.file, f.sha256)).created) newBlobs++;
    } catch (err) {
      if (err instanceof FileChangedError) {
        throw new AppError('FILE_CHANGED_DURING_IMPORT', `${f.relPath} changed while it was being imported; import again`, [{ path: f.relPath, message: 'changed' }]);
      }
      throw err;
    }
    onProgress({ phase: 'storing', done: ++stored, total: files.length });
  });

  try {
    const written = await writeRows(deps, req, manifest, onProgress);
    return { created: true, ...written, stats: stats(newBlobs) };
  } catch (err) {
    if (isUniqueViolation(err)) {
      // the same name was imported concurrently: same content answers that dataset, other content is a conflict
      const raced = await findExisting(deps.imports, req.name, manifest.fingerprint);
      if (raced) return { created: false, ...raced, stats: stats(newBlobs) };
    }
    throw err;
  }
}

/** The dataset an earlier import of the same content under `name` made, or null; another one of that name is a conflict. */
async function findExisting(imports: ImportsRepository, name: string, fingerprint: string) {
  const dataset = await imports.findByName(name);
  if (!dataset) return null;
  if (dataset.importing) throw new AppError('IMPORT_IN_PROGRESS', `an import of "${name}" is still writing its rows`);
  if (dataset.importSha256 !== fingerprint || dataset.firstVersionId === null) {
    throw new AppError('DATASET_NAME_TAKEN', `a dataset named "${name}" exists with other content; choose another name`);
  }
  return { datasetId: dataset.id, versionId: dataset.firstVersionId, versionNumber: 1 };
}

function distinctFiles(manifest: Manifest): FileFacts[] {
  const bySha = new Map<string, FileFacts>();
  for (const e of manifest.entries) {
    if (!bySha.has(e.image.sha256)) bySha.set(e.image.sha256, e.image);
    if (e.mask && !bySha.has(e.mask.sha256)) bySha.set(e.mask.sha256, e.mask);
  }
  return [...bySha.values()];
}

async function writeRows(
  deps: ImportDeps,
  req: ImportRequest,
  manifest: Manifest,
  onProgress: (event: ImportProgressEvent) => void,
): Promise<{ datasetId: string; versionId: string; versionNumber: number }> {
  const datasetId = randomUUID();
  const versionId = randomUUID();
  const images = manifest.entries.map((e) => ({ id: randomUUID(), entry: e }));
  const total = 2 + images.length;
  let done = 0;
  const progressed = (n: number) => onProgress({ phase: 'database', done: (done += n), total });
  onProgress({ phase: 'database', done: 0, total });
  const imports = deps.imports;
  const train = manifest.entries.filter((e) => e.split === 'train').length;

  await imports.createStaged(
    {
      id: datasetId,
      name: req.name,
      productLine: req.productLine,
      description: req.description ?? null,
      importSha256: manifest.fingerprint,
      source: req.source,
      createdById: req.createdById,
    },
    {
      id: versionId,
      datasetId,
      number: 1,
      note: `imported from ${req.source}`,
      createdById: req.createdById,
      imageCount: images.length,
      trainCount: train,
      validationCount: 0,
      testCount: images.length - train,
    },
  );
  progressed(2);
  try {
    for (const batch of chunks(images, IMPORT_BATCH_IMAGES)) {
      const blobs = new Map<string, FileFacts>();
      for (const { entry } of batch) {
        blobs.set(entry.image.sha256, entry.image);
        if (entry.mask) blobs.set(entry.mask.sha256, entry.mask);
      }
      const batchStarted = Date.now();
      await imports.writeBatch({
        blobs: [...blobs.values()].map((f) => ({ sha256: f.sha256, bytes: f.bytes, format: f.format, width: f.width, height: f.height, storageKey: deps.store.keyFor(f.sha256) })),
        images: batch.map(({ id, entry }) => ({ id, datasetId, blobSha256: entry.image.sha256, relPath: entry.image.relPath, split: entry.split })),
        labels: batch.map(({ id, entry }) => ({ versionId, imageId: id, value: entry.value, defectType: entry.defectType, maskSha256: entry.mask?.sha256 ?? null })),
      });
      progressed(batch.length);
      // a duty cycle of at most one half: requests queued meanwhile get the connection for as long as the batch had it
      await new Promise((resolve) => setTimeout(resolve, Math.min(Date.now() - batchStarted, IMPORT_MAX_PAUSE_MS)));
    }
    await imports.publish(datasetId);
  } catch (err) {
    await imports.discardStaged([datasetId]).catch(() => undefined);
    throw err;
  }
  return { datasetId, versionId, versionNumber: 1 };
}

function* chunks<T>(items: readonly T[], size: number): Generator<T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}

async function forEachLimited<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failed = false;
  const worker = async () => {
    for (let i = next++; i < items.length && !failed; i = next++) {
      try {
        await fn(items[i]);
      } catch (err) {
        failed = true;
        throw err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
