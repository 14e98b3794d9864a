import { Inject, Injectable } from '@nestjs/common';
import type { TEvaluation, TOperatingPointRule, TPredictionRow, TRateInterval, TStoredOperatingPoint } from '@defectlab/contracts';
import type { Database } from '../database/database';
import { DATABASE } from '../database/database.module';
import type { Prisma } from '../generated/prisma/client';
import { RunsError } from '../runs/runs.errors';
import { writeFigures } from './evaluation-writer';
import { ARTIFACT_STORE, type ArtifactStore } from '../storage/artifact-store';
import { storedPixelPairs } from './stored-pixels';
import { recomputeFigures, type LabelledPrediction, type PointRule } from './recompute-figures';
import { EVALUATION_SELECT, obj, toEvaluation } from './evaluation.mapper';

/** Stored validation/test scores with their labels under one version (images without a label are left out). */
function labelledPredictions(
  predictions: readonly { imageId: string; split: string; score: number }[],
  labelOf: ReadonlyMap<string, 'good' | 'defective'>,
): LabelledPrediction[] {
  return predictions
    .filter((p) => (p.split === 'validation' || p.split === 'test') && labelOf.has(p.imageId))
    .map((p) => ({ split: p.split as 'validation' | 'test', score: p.score, label: labelOf.get(p.imageId) === 'defective' ? 1 : 0 }));
}

/** Reading evaluations and recomputing them under new labels from stored scores. */
@Injectable()
export class EvaluationsService {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(ARTIFACT_STORE) private readonly store: ArtifactStore,
  ) {}

  async listForRun(runId: string): Promise<{ items: TEvaluation[] }> {
    const run = await this.db.prisma.run.findUnique({ where: { id: runId }, select: { id: true } });
    if (!run) throw new RunsError('RUN_NOT_FOUND', `no run ${runId}`);
    const rows = await this.db.prisma.evaluation.findMany({ where: { runId }, select: EVALUATION_SELECT, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
    return { items: rows.map(toEvaluation) };
  }

  async get(id: string): Promise<TEvaluation> {
    const e = await this.db.prisma.evaluation.findUnique({ where: { id }, select: EVALUATION_SELECT });
    if (!e) throw new RunsError('EVALUATION_NOT_FOUND', `no evaluation ${id}`);
    return toEvaluation(e);
  }

  /** Per-image scores with their labels under the evaluation's version, ordered by split then path. */
  async predictions(id: string, q: { page: number; pageSize: number; split?: 'train' | 'validation' | 'test' }) {
    const ev = await this.db.prisma.evaluation.findUnique({ where: { id }, select: { datasetVersionId: true } });
    if (!ev) throw new RunsError('EVALUATION_NOT_FOUND', `no evaluation ${id}`);
    const where: Prisma.PredictionWhereInput = { evaluationId: id, ...(q.split ? { split: q.split } : {}) };
    const [rows, total] = await Promise.all([
      this.db.prisma.prediction.findMany({
        where,
        select: {
          imageId: true,
          imageSha256: true,
          split: true,
          score: true,
          anomalyMapArtifactId: true,
          image: { select: { relPath: true, labels: { where: { versionId: ev.datasetVersionId }, select: { value: true, defectType: true } } } },
        },
        orderBy: [{ split: 'asc' }, { image: { relPath: 'asc' } }],
        skip: (q.page - 1) * q.pageSize,
        take: q.pageSize,
      }),
      this.db.prisma.prediction.count({ where }),
    ]);
    const items: TPredictionRow[] = rows.map((r) => ({
      imageId: r.imageId,
      imageSha256: r.imageSha256,
      relPath: r.image.relPath,
      split: r.split,
      score: r.score,
      label: r.image.labels[0]?.value ?? 'good',
      defectType: r.image.labels[0]?.defectType ?? null,
      anomalyMapArtifactId: r.anomalyMapArtifactId,
    }));
    return { items, page: q.page, pageSize: q.pageSize, total };
  }

  /** The label value of every image of a dataset version, by image id. */
  private async labelsOf(versionId: string): Promise<Map<string, 'good' | 'defective'>> {
    const labels = await this.db.prisma.label.findMany({ where: { versionId }, select: { imageId: true, value: true } });
    return new Map(labels.map((l) => [l.imageId, l.value]));
  }

  /**
   * Stores `threshold` as operating point `name` of evaluation `id`: a fixed-threshold rule whose figures
   * (counts, rates, 95 % Clopper-Pearson intervals) are computed by libs/metrics on the test split under the
   * evaluation's own label version. Marked `oracle` and fitted on `test`, because a threshold picked in the
   * simulator was chosen while looking at test scores.
   */
  async saveOperatingPoint(id: string, name: string, threshold: number): Promise<TStoredOperatingPoint> {
    const prisma = this.db.prisma;
    const ev = await prisma.evaluation.findUnique({
      where: { id },
      select: { datasetVersionId: true, operatingPoints: { where: { name }, select: { id: true } }, predictions: { select: { imageId: true, split: true, score: true } } },
    });
    if (!ev) throw new RunsError('EVALUATION_NOT_FOUND', `no evaluation ${id}`);
    if (ev.operatingPoints.length > 0) {
      throw new RunsError('OPERATING_POINT_EXISTS', `evaluation ${id} already has an operating point named "${name}"`, [{ path: 'body.name', message: 'already used' }]);
    }
    const labelOf = await this.labelsOf(ev.datasetVersionId);
    const labelled = labelledPredictions(ev.predictions.filter((p) => p.split === 'test'), labelOf);
    const rule: PointRule = { name, rule: { kind: 'fixed', threshold }, oracle: true, intervalMethod: 'clopper-pearson', confidence: 0.95 };
    const [point] = recomputeFigures(labelled, [rule]).points;
    if (!point) throw new RunsError('NOTHING_TO_RECOMPUTE', `evaluation ${id} has no scored test images to report a threshold on`);
    await prisma.$transaction((tx) => writeFigures(tx, id, ev.datasetVersionId, [point], []));
    const stored = (await this.get(id)).operatingPoints.find((p) => p.name === name);
    if (!stored) throw new Error(`operating point "${name}" of evaluation ${id} was not stored`);
    return stored;
  }

  /**
   * Recomputes evaluation `id` on the labels of `datasetVersionId` (a version of the same dataset, e.g. one
   * created by relabeling) from its stored scores, without retraining or re-scoring: a new Evaluation with
   * `sourceEvaluationId = id`, its predictions copied (same scores, same splits), image AUROC and every
   * operating point recomputed by libs/metrics. Images of the new version without a stored score (images
   * added since) are left out and counted in `runtime.recomputed.unscoredImages` (they would need scoring
   * by a worker). Pixel AUROC and PRO are recomputed from the stored test anomaly maps and this version's
   * masks (see stored-pixels.ts), or stored as null with the reason in `runtime.recomputed.pixelSource`.
   */
  async reevaluate(id: string, datasetVersionId: string): Promise<TEvaluation> {
    const prisma = this.db.prisma;
    const source = await prisma.evaluation.findUnique({
      where: { id },
      select: {
        id: true, runId: true, sizeBytes: true, backboneSizeBytes: true, latency: true, hardware: true, runtime: true,
        datasetVersion: { select: { id: true, datasetId: true } },
        operatingPoints: { select: { name: true, rule: true, oracle: true, missRateCi: true, overkillRateCi: true }, orderBy: [{ createdAt: 'asc' }, { name: 'asc' }] },
        predictions: { select: { imageId: true, imageSha256: true, split: true, score: true, anomalyMapArtifactId: true } },
      },
    });
    if (!source) throw new RunsError('EVALUATION_NOT_FOUND', `no evaluation ${id}`);
    const target = await prisma.datasetVersion.findUnique({ where: { id: datasetVersionId }, select: { id: true, datasetId: true } });
    if (!target) throw new RunsError('DATASET_VERSION_NOT_FOUND', `no dataset version ${datasetVersionId}`, [{ path: 'body.datasetVersionId', message: 'no such dataset version' }]);
    if (target.datasetId !== source.datasetVersion.datasetId) {
      throw new RunsError('VERSIONS_OF_DIFFERENT_DATASETS', `version ${datasetVersionId} belongs to another dataset than evaluation ${id}`);
    }
    const labelOf = await this.labelsOf(datasetVersionId);
    const scored = source.predictions.filter((p) => p.split !== 'train' && labelOf.has(p.imageId));
    if (scored.length === 0) throw new RunsError('NOTHING_TO_RECOMPUTE', `evaluation ${id} has no stored scores of images in version ${datasetVersionId}`);
    const scoredIds = new Set(source.predictions.map((p) => p.imageId));
    const unscoredImages = [...labelOf.keys()].filter((imageId) => !scoredIds.has(imageId)).length;
    const labelled = labelledPredictions(scored, labelOf);
    const rules: PointRule[] = source.operatingPoints.map((p) => {
      const ci = (p.missRateCi ?? p.overkillRateCi) as TRateInterval | null;
      return { name: p.name, rule: p.rule as TOperatingPointRule, oracle: p.oracle, intervalMethod: ci?.method ?? 'clopper-pearson', confidence: ci?.confidence ?? 0.95 };
    });
    const sourceRuntime = obj(source.runtime) ?? {};
    const proFprLimit = typeof sourceRuntime.proFprLimit === 'number' ? sourceRuntime.proFprLimit : 0.3;
    const pixels = await storedPixelPairs(prisma, this.store, datasetVersionId, scored.filter((p) => p.split === 'test'));
    const { metrics, points } = recomputeFigures(labelled, rules, 'pairs' in pixels ? { pairs: pixels.pairs, proFprLimit } : undefined);
    const runtime = {
      ...sourceRuntime,
      recomputed: {
        fromEvaluationId: source.id,
        fromDatasetVersionId: source.datasetVersion.id,
        scoredImages: scored.length,
        unscoredImages,
        notRecomputed: 'pairs' in pixels ? [] : ['pixel_auroc', 'pro'],
        pixelSource: 'pairs' in pixels ? 'stored 8-bit anomaly maps (one linear scale per run; 256 levels, so finer ranks tie) with this version\'s masks' : pixels.reason,
      },
    };
    const newId = await prisma.$transaction(async (tx) => {
      const ev = await tx.evaluation.create({
        data: {
          runId: source.runId,
          datasetVersionId,
          sourceEvaluationId: source.id,
          status: 'succeeded',
          sizeBytes: source.sizeBytes,
          backboneSizeBytes: source.backboneSizeBytes,
          latency: (source.latency ?? undefined) as Prisma.InputJsonValue | undefined,
          hardware: (source.hardware ?? undefined) as Prisma.InputJsonValue | undefined,
          runtime: runtime as Prisma.InputJsonValue,
        },
        select: { id: true },
      });
      await tx.prediction.createMany({
        data: scored.map((p) => ({ evaluationId: ev.id, imageId: p.imageId, imageSha256: p.imageSha256, split: p.split, score: p.score, anomalyMapArtifactId: p.anomalyMapArtifactId })),
      });
      await writeFigures(tx, ev.id, datasetVersionId, points, metrics);
      return ev.id;
    });
    return this.get(newId);
  }
}
