import type { TEvaluationReport, TOperatingPoint, TRateInterval, TThreshold, ZSubmitEvaluationInput } from '@defectlab/contracts';
import type { z } from 'zod';
import type { Prisma, PrismaClient } from '../generated/prisma/client';
import { RunsError } from '../runs/runs.errors';

/** +Infinity ("flag nothing") is spelled "+Infinity" in JSON and stored as the float Infinity. */
export function thresholdToNumber(t: TThreshold): number {
  return t === '+Infinity' ? Infinity : t;
}
export function thresholdFromNumber(t: number): TThreshold {
  return t === Infinity ? '+Infinity' : t;
}

/** One operating point row (without ids), for the worker's report or a recomputation. */
export interface OperatingPointData {
  readonly name: string;
  readonly rule: TOperatingPoint['rule'];
  readonly oracle: boolean;
  readonly fitSplit: 'validation' | 'test';
  readonly reportSplit: 'test';
  readonly threshold: TThreshold;
  readonly counts: TOperatingPoint['counts'];
  readonly missRate: number | null;
  readonly missRateInterval: TRateInterval | null;
  readonly overkillRate: number | null;
  readonly overkillRateInterval: TRateInterval | null;
  readonly accuracy: number | null;
  readonly accuracyInterval: TRateInterval | null;
}

export interface MetricData {
  readonly name: string;
  readonly split: 'validation' | 'test';
  readonly value: number | null;
}

/** Writes operating points and metrics of an evaluation, each stamped with the label version behind it. */
export async function writeFigures(
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

/** The threshold-free figures of a worker's report, with the split each was computed on. */
export function reportMetrics(r: TEvaluationReport): MetricData[] {
  return [
    { name: 'image_auroc', split: 'test', value: r.imageAuroc },
    { name: 'image_auroc', split: 'validation', value: r.validationImageAuroc },
    { name: 'pixel_auroc', split: 'test', value: r.pixelAuroc },
    { name: 'pro', split: 'test', value: r.pro },
  ];
}

/**
 * Refuses (ARTIFACT_OF_ANOTHER_RUN) predictions whose anomaly map is not an `anomaly_map` artifact of `runId`:
 * an evaluation must not point at another run's artifacts.
 */
async function assertAnomalyMapsOfRun(
  prisma: PrismaClient,
  runId: string,
  predictions: readonly { anomalyMapArtifactId: string | null }[],
): Promise<void> {
  const ids = [...new Set(predictions.map((p) => p.anomalyMapArtifactId).filter((id): id is string => id !== null))];
  if (ids.length === 0) return;
  const own = new Set((await prisma.artifact.findMany({ where: { id: { in: ids }, runId, kind: 'anomaly_map' }, select: { id: true } })).map((a) => a.id));
  const issues = predictions
    .map((p, i) => ({ p, i }))
    .filter(({ p }) => p.anomalyMapArtifactId !== null && !own.has(p.anomalyMapArtifactId))
    .slice(0, 10)
    .map(({ i }) => ({ path: `body.predictions.${i}.anomalyMapArtifactId`, message: `not an anomaly map of run ${runId}` }));
  if (issues.length > 0) {
    throw new RunsError('ARTIFACT_OF_ANOTHER_RUN', `anomaly maps must be anomaly_map artifacts of run ${runId}; ${issues.length === 10 ? '10 or more' : issues.length} are not`, issues);
  }
}

/**
 * Stores a worker's evaluation of `runId` on its dataset version: one Prediction per image, the metrics and
 * the operating points of the report, speed, size, hardware and runtime. Every image must be in the version.
 * @returns the new evaluation's id
 */
export async function storeWorkerEvaluation(
  prisma: PrismaClient,
  runId: string,
  datasetVersionId: string,
  input: z.output<typeof ZSubmitEvaluationInput>,
): Promise<string> {
  const ids = [...new Set(input.predictions.map((p) => p.imageId))];
  const known = await prisma.label.findMany({ where: { versionId: datasetVersionId, imageId: { in: ids } }, select: { imageId: true } });
  if (known.length !== ids.length || ids.length !== input.predictions.length) {
    const have = new Set(known.map((k) => k.imageId));
    const missing = ids.filter((i) => !have.has(i)).slice(0, 10);
    throw new RunsError('IMAGE_NOT_IN_VERSION', `predictions must name each image of the run's dataset version once; not in it: ${missing.join(', ') || '(duplicates)'}`);
  }
  await assertAnomalyMapsOfRun(prisma, runId, input.predictions);
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
