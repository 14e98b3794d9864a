import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { decodeImage, DatasetError } from '@defectlab/datasets';
import type { TCommitResult, TLabelState, TImageHistory } from '@defectlab/contracts';
import type { Logger } from 'pino';
import { APP_CONFIG, LOGGER } from '../config/config.module';
import type { AppConfig } from '../config/app-config';
import { assertPixelLimit, declaredDimensions } from '../datasets/import/image-dimensions';
import { DATABASE } from '../database/database.module';
import type { Database } from '../database/database';
import { sniffFormat } from '../datasets/import/validate-mvtec';
import { AppError } from '../errors/app-error';
import { Prisma } from '../generated/prisma/client';
import { ARTIFACT_STORE, type ArtifactStore } from '../storage/artifact-store';
import { sameLabelState, toLabelState } from '../versions/label-state';
import { VersionsService } from '../versions/versions.service';
import { LABEL_CHANGE_SELECT, toLabelChange } from './label-change.mapper';

/** One proposal as the contract parsed it. */
export interface ParsedProposal {
  imageId: string;
  value: 'good' | 'defective';
  defectType?: string | null;
  reason: string;
  uncertain: boolean;
  maskBase64?: string | null;
}

export interface CommitInput {
  note?: string;
  allowRebase: boolean;
  changes: ParsedProposal[];
}

interface NewMask {
  sha256: string;
  bytes: number;
  format: string;
  width: number;
  height: number;
  storageKey: string;
}

const COMMIT_TX = { timeout: 120_000, maxWait: 30_000 };

/**
 * Audited relabeling. A batch of proposals is committed on top of the version the curator started from, in one
 * transaction that (under a row lock on the dataset, so commits of one dataset are serialised) creates the next
 * version, one LabelChange per image (author, time, from, to, reason) and the new version's labels: the changed
 * ones linked to their change, the others copied with their provenance. Optimistic concurrency: when the base
 * is no longer the newest version the commit is refused with 409 naming the images changed since that the batch
 * also touches; with `allowRebase` and no such image, the batch is applied on top of the newest version instead.
 */
@Injectable()
export class RelabelService {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(ARTIFACT_STORE) private readonly store: ArtifactStore,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly versions: VersionsService,
  ) {}

  async commit(baseVersionId: string, input: CommitInput, authorId: string): Promise<TCommitResult> {
    const base = await this.versions.requireVersion(baseVersionId);
    const ids = input.changes.map((c) => c.imageId);
    const images = await this.db.prisma.image.findMany({
      where: { id: { in: ids }, datasetId: base.datasetId },
      select: { id: true, relPath: true, blob: { select: { width: true, height: true } } },
    });
    const byId = new Map(images.map((i) => [i.id, i]));
    const missing = input.changes.flatMap((c, i) => (byId.has(c.imageId) ? [] : [{ path: `changes.${i}.imageId`, message: `image ${c.imageId} is not in version ${base.number} of this dataset` }]));
    if (missing.length > 0) {
      throw new AppError('IMAGE_NOT_IN_VERSION', `${missing.length} proposed image(s) are not in version ${base.number}: ${missing.map((m) => m.message.split(' ')[1]).join(', ')}`, missing);
    }
    const masks = await this.storeMasks(input.changes, byId);

    const result = await this.db.prisma.$transaction(async (tx) => {
      await tx.$queryRaw`SELECT "id" FROM "Dataset" WHERE "id" = ${base.datasetId}::uuid FOR UPDATE`;
      const head = await tx.datasetVersion.findFirstOrThrow({
        where: { datasetId: base.datasetId },
        orderBy: { number: 'desc' },
        select: { id: true, number: true, imageCount: true, trainCount: true, validationCount: true, testCount: true },
      });
      if (head.id !== base.id) {
        const changed = await tx.$queryRaw<{ imageId: string; relPath: string; number: number }[]>`
          SELECT a."imageId", i."relPath", v."number"
          FROM "Label" a
          JOIN "Label" b ON b."imageId" = a."imageId" AND b."versionId" = ${head.id}::uuid
          JOIN "Image" i ON i."id" = a."imageId"
          LEFT JOIN "LabelChange" c ON c."id" = b."changeId"
          LEFT JOIN "DatasetVersion" v ON v."id" = c."resultVersionId"
          WHERE a."versionId" = ${base.id}::uuid
            AND a."imageId" IN (${Prisma.join(ids.map((id) => Prisma.sql`${id}::uuid`))})
            AND (a."value" <> b."value" OR a."defectType" IS DISTINCT FROM b."defectType"
                 OR a."maskSha256" IS DISTINCT FROM b."maskSha256" OR a."uncertain" <> b."uncertain")
          ORDER BY i."relPath"`;
        if (changed.length > 0 || !input.allowRebase) {
          const index = new Map(ids.map((id, i) => [id, i]));
          const issues = changed.map((c) => ({
            path: `changes.${index.get(c.imageId)}.imageId`,
            message: `${c.relPath} (${c.imageId}) was relabelled in version ${c.number ?? head.number} after version ${base.number}`,
          }));
          throw new AppError(
            'VERSION_CONFLICT',
            changed.length > 0
              ? `version ${base.number} is no longer the newest (version ${head.number}, id ${head.id} is); ${changed.length} of the proposed images changed since: ${changed.map((c) => c.relPath).join(', ')}. Review them on version ${head.number} and commit again.`
              : `version ${base.number} is no longer the newest (version ${head.number}, id ${head.id} is); none of the proposed images changed since: commit on version ${head.number}, or again with allowRebase: true`,
            issues.length > 0 ? issues : [{ path: 'versionId', message: `the newest version is ${head.number} (${head.id})` }],
          );
        }
      }
      const current = await tx.label.findMany({
        where: { versionId: head.id, imageId: { in: ids } },
        select: { imageId: true, value: true, defectType: true, maskSha256: true, uncertain: true },
      });
      const currentById = new Map(current.map((l) => [l.imageId, toLabelState(l)]));
      const planned = input.changes.map((c, i) => {
        const from = currentById.get(c.imageId);
        if (!from) throw new AppError('IMAGE_NOT_IN_VERSION', `image ${c.imageId} has no label in version ${head.number}`, [{ path: `changes.${i}.imageId`, message: 'no label' }]);
        const to: TLabelState = {
          value: c.value,
          defectType: c.value === 'good' ? null : (c.defectType ?? null),
          maskSha256: c.value === 'good' ? null : c.maskBase64 === undefined ? (from.value === 'defective' ? from.maskSha256 : null) : c.maskBase64 === null ? null : (masks.get(i)?.sha256 ?? null),
          uncertain: c.uncertain,
        };
        if (sameLabelState(from, to)) {
          throw new AppError('NO_CHANGE', `changes.${i}: ${byId.get(c.imageId)?.relPath} already has this label in version ${head.number}`, [
            { path: `changes.${i}`, message: 'the proposed label equals the current one' },
          ]);
        }
        return { id: randomUUID(), proposal: c, from, to };
      });

      const newMasks = [...masks.values()];
      if (newMasks.length > 0) await tx.blob.createMany({ data: newMasks, skipDuplicates: true });
      const version = await tx.datasetVersion.create({
        // a commit relabels, it never adds or removes images: the new version holds the head's images
        data: {
          datasetId: base.datasetId,
          number: head.number + 1,
          parentId: head.id,
          note: input.note ?? null,
          createdById: authorId,
          imageCount: head.imageCount,
          trainCount: head.trainCount,
          validationCount: head.validationCount,
          testCount: head.testCount,
        },
        select: { id: true, number: true },
      });
      await tx.labelChange.createMany({
        data: planned.map((p) => ({
          id: p.id,
          imageId: p.proposal.imageId,
          baseVersionId: base.id,
          resultVersionId: version.id,
          fromValue: p.from.value,
          fromDefectType: p.from.defectType,
          fromMaskSha256: p.from.maskSha256,
          fromUncertain: p.from.uncertain,
          toValue: p.to.value,
          toDefectType: p.to.defectType,
          toMaskSha256: p.to.maskSha256,
          toUncertain: p.to.uncertain,
          reason: p.proposal.reason,
          authorId,
        })),
      });
      // unchanged labels are carried over with their provenance (changeId of the decision that set them, or null = import)
      await tx.$executeRaw`
        INSERT INTO "Label" ("id", "versionId", "imageId", "value", "defectType", "maskSha256", "uncertain", "changeId")
        SELECT gen_random_uuid(), ${version.id}::uuid, l."imageId", l."value", l."defectType", l."maskSha256", l."uncertain", l."changeId"
        FROM "Label" l
        WHERE l."versionId" = ${head.id}::uuid
          AND NOT EXISTS (SELECT 1 FROM "LabelChange" c WHERE c."resultVersionId" = ${version.id}::uuid AND c."imageId" = l."imageId")`;
      await tx.label.createMany({
        data: planned.map((p) => ({
          versionId: version.id,
          imageId: p.proposal.imageId,
          value: p.to.value,
          defectType: p.to.defectType,
          maskSha256: p.to.maskSha256,
          uncertain: p.to.uncertain,
          changeId: p.id,
        })),
      });
      return { version, head, changeIds: planned.map((p) => p.id) };
    }, COMMIT_TX);

    this.logger.info({ datasetId: base.datasetId, version: result.version.number, changes: result.changeIds.length, authorId }, 'committed label changes');
    const [version] = await this.versions.getMany([result.version.id]);
    const changes = await this.db.prisma.labelChange.findMany({ where: { resultVersionId: result.version.id }, select: LABEL_CHANGE_SELECT, orderBy: { image: { relPath: 'asc' } } });
    return {
      version,
      changes: changes.map(toLabelChange),
      rebasedOnto: result.head.id !== base.id ? { id: result.head.id, number: result.head.number } : null,
    };
  }

  async history(imageId: string): Promise<TImageHistory> {
    const image = await this.db.prisma.image.findUnique({
      where: { id: imageId },
      select: { id: true, datasetId: true, relPath: true, split: true, blobSha256: true },
    });
    if (!image) throw new AppError('IMAGE_NOT_FOUND', `no image ${imageId}`);
    const imported = await this.db.prisma.label.findFirstOrThrow({
      where: { imageId, version: { number: 1 } },
      select: { value: true, defectType: true, maskSha256: true, uncertain: true, version: { select: { id: true, number: true } } },
    });
    const changes = await this.db.prisma.labelChange.findMany({ where: { imageId }, select: LABEL_CHANGE_SELECT, orderBy: [{ createdAt: 'asc' }, { resultVersion: { number: 'asc' } }] });
    return {
      image: { id: image.id, datasetId: image.datasetId, relPath: image.relPath, split: image.split, sha256: image.blobSha256 },
      imported: { ...toLabelState(imported), version: imported.version },
      changes: changes.map(toLabelChange),
    };
  }

  /**
   * Checks new masks and stores them (content-addressed) before the transaction: the size a mask declares in
   * its header is compared with its image (and the pixel limit) before anything is decoded, then it is decoded
   * to make sure it is a readable image.
   */
  private async storeMasks(changes: ParsedProposal[], images: Map<string, { relPath: string; blob: { width: number | null; height: number | null } }>): Promise<Map<number, NewMask>> {
    const out = new Map<number, NewMask>();
    for (const [i, c] of changes.entries()) {
      if (typeof c.maskBase64 !== 'string') continue;
      const where = `changes.${i}.maskBase64`;
      const bytes = /^[A-Za-z0-9+/]*={0,2}$/.test(c.maskBase64) ? Buffer.from(c.maskBase64, 'base64') : Buffer.alloc(0);
      const format = sniffFormat(bytes);
      if (!format) throw new AppError('INVALID_MASK', `${where}: not a base64 PNG, JPEG, TIFF or BMP image`, [{ path: where, message: 'not an image' }]);
      const declared = await declaredDimensions(bytes, format);
      assertPixelLimit(declared, where, this.config.storage.imageMaxPixels);
      const image = images.get(c.imageId);
      const sizeMismatch = (d: { width: number; height: number }) =>
        new AppError('MASK_SIZE_MISMATCH', `${where}: the mask is ${d.width}x${d.height} but ${image?.relPath} is ${image?.blob.width}x${image?.blob.height}`, [
          { path: where, message: `mask ${d.width}x${d.height}, image ${image?.blob.width}x${image?.blob.height}` },
        ]);
      if (declared && (!image || declared.width !== image.blob.width || declared.height !== image.blob.height)) throw sizeMismatch(declared);
      let decoded;
      try {
        decoded = await decodeImage(bytes, where);
      } catch (err) {
        if (err instanceof DatasetError) throw new AppError('INVALID_MASK', err.message, [{ path: where, message: err.message }]);
        throw err;
      }
      if (!image || decoded.width !== image.blob.width || decoded.height !== image.blob.height) throw sizeMismatch(decoded);
      const stored = await this.store.putBytes(bytes);
      out.set(i, { sha256: stored.sha256, bytes: bytes.length, format, width: decoded.width, height: decoded.height, storageKey: stored.key });
    }
    return out;
  }
}
