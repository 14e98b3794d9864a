import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { TCommitResult, TLabelState, TImageHistory } from '@defectlab/contracts';
import type { Logger } from 'pino';
import { LOGGER } from '../config/config.module';
import { sameLabelState } from '../versions/label-state';
import { VersionsService } from '../versions/versions.service';
import { LabelsError } from './labels.errors';
import { LabelsRepository, type PlannedChange } from './labels.repository';
import { ProposedMasks } from './proposed-masks';

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
    private readonly repo: LabelsRepository,
    private readonly versions: VersionsService,
    private readonly masks: ProposedMasks,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async commit(baseVersionId: string, input: CommitInput, authorId: string): Promise<TCommitResult> {
    const base = await this.versions.requireVersion(baseVersionId);
    const ids = input.changes.map((c) => c.imageId);
    const images = await this.repo.proposedImages(ids, base.datasetId);
    const byId = new Map(images.map((i) => [i.id, i]));
    const missing = input.changes.flatMap((c, i) => (byId.has(c.imageId) ? [] : [{ path: `changes.${i}.imageId`, message: `image ${c.imageId} is not in version ${base.number} of this dataset` }]));
    if (missing.length > 0) {
      throw new LabelsError('IMAGE_NOT_IN_VERSION', `${missing.length} proposed image(s) are not in version ${base.number}: ${missing.map((m) => m.message.split(' ')[1]).join(', ')}`, missing);
    }
    const masks = await this.masks.checkAndStore(input.changes, byId);

    const result = await this.repo.inDatasetLock(base.datasetId, async (tx) => {
      const head = await tx.head(base.datasetId);
      if (head.id !== base.id) {
        const changed = await tx.changedSince(base.id, head.id, ids);
        if (changed.length > 0 || !input.allowRebase) {
          const index = new Map(ids.map((id, i) => [id, i]));
          const issues = changed.map((c) => ({
            path: `changes.${index.get(c.imageId)}.imageId`,
            message: `${c.relPath} (${c.imageId}) was relabelled in version ${c.number ?? head.number} after version ${base.number}`,
          }));
          throw new LabelsError(
            'VERSION_CONFLICT',
            changed.length > 0
              ? `version ${base.number} is no longer the newest (version ${head.number}, id ${head.id} is); ${changed.length} of the proposed images changed since: ${changed.map((c) => c.relPath).join(', ')}. Review them on version ${head.number} and commit again.`
              : `version ${base.number} is no longer the newest (version ${head.number}, id ${head.id} is); none of the proposed images changed since: commit on version ${head.number}, or again with allowRebase: true`,
            issues.length > 0 ? issues : [{ path: 'versionId', message: `the newest version is ${head.number} (${head.id})` }],
          );
        }
      }
      const currentById = await tx.labelsOf(head.id, ids);
      const planned: PlannedChange[] = input.changes.map((c, i) => {
        const from = currentById.get(c.imageId);
        if (!from) throw new LabelsError('IMAGE_NOT_IN_VERSION', `image ${c.imageId} has no label in version ${head.number}`, [{ path: `changes.${i}.imageId`, message: 'no label' }]);
        const to: TLabelState = {
          value: c.value,
          defectType: c.value === 'good' ? null : (c.defectType ?? null),
          maskSha256: c.value === 'good' ? null : c.maskBase64 === undefined ? (from.value === 'defective' ? from.maskSha256 : null) : c.maskBase64 === null ? null : (masks.get(i)?.sha256 ?? null),
          uncertain: c.uncertain,
        };
        if (sameLabelState(from, to)) {
          throw new LabelsError('NO_CHANGE', `changes.${i}: ${byId.get(c.imageId)?.relPath} already has this label in version ${head.number}`, [
            { path: `changes.${i}`, message: 'the proposed label equals the current one' },
          ]);
        }
        return { id: randomUUID(), imageId: c.imageId, reason: c.reason, from, to };
      });
      const version = await tx.writeVersion({ datasetId: base.datasetId, baseId: base.id, head, note: input.note ?? null, authorId }, planned, [...masks.values()]);
      return { version, head, changeIds: planned.map((p) => p.id) };
    });

    this.logger.info({ datasetId: base.datasetId, version: result.version.number, changes: result.changeIds.length, authorId }, 'committed label changes');
    const [version] = await this.versions.getMany([result.version.id]);
    const changes = await this.repo.changesOfVersion(result.version.id);
    return {
      version,
      changes,
      rebasedOnto: result.head.id !== base.id ? { id: result.head.id, number: result.head.number } : null,
    };
  }

  async history(imageId: string): Promise<TImageHistory> {
    const image = await this.repo.findImage(imageId);
    if (!image) throw new LabelsError('IMAGE_NOT_FOUND', `no image ${imageId}`);
    const imported = await this.repo.importedLabel(imageId);
    const changes = await this.repo.changesOfImage(imageId);
    return {
      image: { id: image.id, datasetId: image.datasetId, relPath: image.relPath, split: image.split, sha256: image.blobSha256 },
      imported,
      changes,
    };
  }
}
