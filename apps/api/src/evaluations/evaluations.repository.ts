import { Inject, Injectable } from '@nestjs/common';
import type { TPredictionRow, ZSubmitEvaluationInput } from '@defectlab/contracts';
import type { z } from 'zod';
import type { Database } from '../database/database';
import { DATABASE } from '../database/database.module';
import type { Prisma } from '../generated/prisma/client';
import { reportMetrics, thresholdToNumber, type MetricData, type OperatingPointData } from './evaluation-figures';
import { EVALUATION_SELECT, type EvaluationRow } from './evaluation.mapper';

/** What a recomputation reads of the evaluation it starts from. */
const RECOMPUTE_SOURCE_SELECT = {
  id: true,
  runId: true,
  sizeBytes: true,
  backboneSizeBytes: true,
  latency: true,
  hardware: true,
  runtime: true,
  datasetVersion: { select: { id: true, datasetId: true } },
  operatingPoints: { select: { name: true, rule: true, oracle: true, missRateCi: true, overkillRateCi: true }, orderBy: [{ createdAt: 'asc' }, { name: 'asc' }] },
  predictions: { select: { imageId: true, imageSha256: true, split: true, score: true, anomalyMapArtifactId: true } },
} satisfies Prisma.EvaluationSelect;
export type RecomputeSource = Prisma.EvaluationGetPayload<{ select: typeof RECOMPUTE_SOURCE_SELECT }>;
export type StoredPrediction = RecomputeSource['predictions'][number];

type SubmitEvaluationInput = z.output<typeof ZSubmitEvaluationInput>;

/** Writes operating points and metrics of an evaluation, each stamped with the label version behind it. */
async function writeFigures(
  tx: Prisma.TransactionClient,
  evaluationId: string,
  datasetVersionId: string,
  points: readonly OperatingPointData[],
  metrics: readonly MetricData[],
): Promise<void> {
  const json = (v: unknown) => (v === null ? undefined : (v as Prisma.InputJsonValue));
  // createdAt one millisecond apart keeps the report's order when points are read back (ordered by createdAt)
  const t0 = Date.now();
  await tx.operatingPoint.createMany({
    data: points.map((p, i) => ({
      createdAt: new Date(t0 + i),
      evaluationId,
      datasetVersionId,
      name: p.name,
      rule: p.rule as Prisma.InputJsonValue,
      oracle: p.oracle,
      fitSplit: p.fitSplit,
      reportSplit: p.reportSplit,
      threshold: thresholdToNumber(p.threshold),
      counts: p.counts as Prisma.InputJsonValue,
      missRate: p.missRate,
      missRateCi: json(p.missRateInterval),
      overkillRate: p.overkillRate,
      overkillRateCi: json(p.overkillRateInterval),
      accuracy: p.accuracy,
      accuracyCi: json(p.accuracyInterval),
    })),
  });
  await tx.evaluationMetric.createMany({ data: metrics.map((m) => ({ evaluationId, datasetVersionId, name: m.name, split: m.split, value: m.value })) });
}

/** Every Prisma call of evaluations: reading them, storing a worker's, storing figures and recomputations. */
@Injectable()
export class EvaluationsRepository {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  async runExists(runId: string): Promise<boolean> {
    return (await this.db.prisma.run.findUnique({ where: { id: runId }, select: { id: true } })) !== null;
  }

  listOfRun(runId: string): Promise<EvaluationRow[]> {
    return this.db.prisma.evaluation.findMany({ where: { runId }, select: EVALUATION_SELECT, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
  }

  find(id: string): Promise<EvaluationRow | null> {
    return this.db.prisma.evaluation.findUnique({ where: { id }, select: EVALUATION_SELECT });
  }

  /** The label version an evaluation was computed on, or null when there is no such evaluation. */
  async versionOf(id: string): Promise<string | null> {
    return (await this.db.prisma.evaluation.findUnique({ where: { id }, select: { datasetVersionId: true } }))?.datasetVersionId ?? null;
  }

  /** A page of an evaluation's per-image scores with their labels under `versionId`, ordered by split then path. */
  async predictionPage(
    id: string,
    versionId: string,
    q: { page: number; pageSize: number; split?: 'train' | 'validation' | 'test' },
  ): Promise<{ items: TPredictionRow[]; total: number }> {
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
          image: { select: { relPath: true, labels: { where: { versionId }, select: { value: true, defectType: true } } } },
        },
        orderBy: [{ split: 'asc' }, { image: { relPath: 'asc' } }],
        skip: (q.page - 1) * q.pageSize,
        take: q.pageSize,
      }),
      this.db.prisma.prediction.count({ where }),
    ]);
    const items = rows.map((r) => ({
      imageId: r.imageId,
      imageSha256: r.imageSha256,
      relPath: r.image.relPath,
      split: r.split,
      score: r.score,
      label: r.image.labels[0]?.value ?? 'good',
      defectType: r.image.labels[0]?.defectType ?? null,
      anomalyMapArtifactId: r.anomalyMapArtifactId,
    }));
    return { items, total };
  }

  /** The label value of every image of a dataset version, by image id. */
  async labelsOf(versionId: string): Promise<Map<string, 'good' | 'defective'>> {
    const labels = await this.db.prisma.label.findMany({ where: { versionId }, select: { imageId: true, value: true } });
    return new Map(labels.map((l) => [l.imageId, l.value]));
  }

  /** What saving operating point `name` reads: the version, whether the name is taken, the stored scores; null when there is no such evaluation. */
  async forOperatingPoint(id: string, name: string) {
    const ev = await this.db.prisma.evaluation.findUnique({
      where: { id },
      select: { datasetVersionId: true, operatingPoints: { where: { name }, select: { id: true } }, predictions: { select: { imageId: true, split: true, score: true } } },
    });
    return ev ? { datasetVersionId: ev.datasetVersionId, nameTaken: ev.operatingPoints.length > 0, predictions: ev.predictions } : null;
  }

  async addOperatingPoints(id: string, datasetVersionId: string, points: readonly OperatingPointData[]): Promise<void> {
    await this.db.prisma.$transaction((tx) => writeFigures(tx, id, datasetVersionId, points, []));
  }

  recomputeSource(id: string): Promise<RecomputeSource | null> {
    return this.db.prisma.evaluation.findUnique({ where: { id }, select: RECOMPUTE_SOURCE_SELECT });
  }

  /**
   * Stores a recomputation of `source` on `datasetVersionId` in one transaction: the new evaluation (size,
   * latency and hardware copied), `predictions` copied as they are, and the recomputed figures.
   * @returns the new evaluation's id
   */
  async createRecomputed(
    source: RecomputeSource,
    datasetVersionId: string,
    runtime: Record<string, unknown>,
    predictions: readonly StoredPrediction[],
    figures: { points: readonly OperatingPointData[]; metrics: readonly MetricData[] },
  ): Promise<string> {
    return this.db.prisma.$transaction(async (tx) => {
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
        data: predictions.map((p) => ({ evaluationId: ev.id, imageId: p.imageId, imageSha256: p.imageSha256, split: p.split, score: p.score, anomalyMapArtifactId: p.anomalyMapArtifactId })),
      });
      await writeFigures(tx, ev.id, datasetVersionId, figures.points, figures.metrics);
      return ev.id;
    });
  }

  /** Which of `imageIds` have a label in the version. */
  async imagesInVersion(versionId: string, imageIds: readonly string[]): Promise<Set<string>> {
    const rows = await this.db.prisma.label.findMany({ where: { versionId, imageId: { in: [...imageIds] } }, select: { imageId: true } });
    return new Set(rows.map((r) => r.imageId));
  }

  /** Which of `artifactIds` are anomaly_map artifacts of the run. */
  async anomalyMapsOfRun(runId: string, artifactIds: readonly string[]): Promise<Set<string>> {
    const rows = await this.db.prisma.artifact.findMany({ where: { id: { in: [...artifactIds] }, runId, kind: 'anomaly_map' }, select: { id: true } });
    return new Set(rows.map((a) => a.id));
  }

  /**
   * Stores a worker's evaluation of `runId` in one transaction: one Prediction per image (stamped with the
   * image's content sha256), the metrics and operating points of the report, speed, size, hardware and runtime.
   * @returns the new evaluation's id
   */
  async createFromWorker(runId: string, datasetVersionId: string, input: SubmitEvaluationInput): Promise<string> {
    const prisma = this.db.prisma;
    const ids = [...new Set(input.predictions.map((p) => p.imageId))];
    const contentOf = new Map((await prisma.image.findMany({ where: { id: { in: ids } }, select: { id: true, blobSha256: true } })).map((i) => [i.id, i.blobSha256]));
    const r = input.report;
    return prisma.$transaction(async (tx) => {
      const ev = await tx.evaluation.create({
        data: {
          runId,
          datasetVersionId,
          status: 'succeeded',
          sizeBytes: BigInt(r.sizeBytes),
          backboneSizeBytes: BigInt(r.backboneSizeBytes),
          latency: r.latencyMs as Prisma.InputJsonValue,
          hardware: r.machine as Prisma.InputJsonValue,
          runtime: {
            backend: r.backend,
            inferenceRuntime: r.inferenceRuntime,
            runtimeVersions: r.runtimeVersions,
            exportIncludesBackbone: r.exportIncludesBackbone,
            headSizeBytes: r.headSizeBytes,
            proFprLimit: r.proFprLimit,
            pixelAurocMethod: r.pixelAurocMethod,
            splitRule: r.dataset.splitRule,
            splitRuleText: r.dataset.splitRuleText,
            counts: r.dataset.counts,
            omittedOperatingPoints: r.omittedOperatingPoints,
            wallSeconds: r.wallSeconds,
          } as Prisma.InputJsonValue,
        },
        select: { id: true },
      });
      await tx.prediction.createMany({
        data: input.predictions.map((p) => ({
          evaluationId: ev.id,
          imageId: p.imageId,
          imageSha256: contentOf.get(p.imageId) ?? '',
          split: p.split,
          score: p.score,
          anomalyMapArtifactId: p.anomalyMapArtifactId,
        })),
      });
      await writeFigures(tx, ev.id, datasetVersionId, r.operatingPoints, reportMetrics(r));
      return ev.id;
    });
  }

  /** The labels of `imageIds` under the version, with their mask's storage key. */
  labelsWithMasks(versionId: string, imageIds: readonly string[]) {
    return this.db.prisma.label.findMany({
      where: { versionId, imageId: { in: [...imageIds] } },
      select: { imageId: true, value: true, mask: { select: { storageKey: true } } },
    });
  }

  /** The storage key of each of `artifactIds` that exists, by artifact id. */
  async storageKeysOf(artifactIds: readonly string[]): Promise<Map<string, string>> {
    const rows = await this.db.prisma.artifact.findMany({ where: { id: { in: [...artifactIds] } }, select: { id: true, storageKey: true } });
    return new Map(rows.map((a) => [a.id, a.storageKey]));
  }
}
