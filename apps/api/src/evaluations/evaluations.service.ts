import { Inject, Injectable } from '@nestjs/common';
import type { TEvaluation, TOperatingPointRule, TRateInterval, TStoredOperatingPoint, ZSubmitEvaluationInput } from '@defectlab/contracts';
import type { z } from 'zod';
import { RunsError } from '../runs/runs.errors';
import { ARTIFACT_STORE, type ArtifactStore } from '../storage/artifact-store';
import { VersionsService } from '../versions/versions.service';
import { storedPixelPairs } from './stored-pixels';
import { recomputeFigures, type LabelledPrediction, type PointRule } from './recompute-figures';
import { obj, toEvaluation } from './evaluation.mapper';
import { EvaluationsRepository } from './evaluations.repository';

/** Stored validation/test scores with their labels under one version (images without a label are left out). */
function labelledPredictions(
  predictions: readonly { imageId: string; split: string; score: number }[],
  labelOf: ReadonlyMap<string, 'good' | 'defective'>,
): LabelledPrediction[] {
  return predictions
    .filter((p) => (p.split === 'validation' || p.split === 'test') && labelOf.has(p.imageId))
    .map((p) => ({ split: p.split as 'validation' | 'test', score: p.score, label: labelOf.get(p.imageId) === 'defective' ? 1 : 0 }));
}

const evaluationNotFound = (id: string) => new RunsError('EVALUATION_NOT_FOUND', `no evaluation ${id}`);

/** Storing a worker's evaluation, reading evaluations and recomputing them under new labels from stored scores. */
@Injectable()
export class EvaluationsService {
  constructor(
    private readonly repo: EvaluationsRepository,
    @Inject(ARTIFACT_STORE) private readonly store: ArtifactStore,
    private readonly versions: VersionsService,
  ) {}

  /**
   * Stores a worker's evaluation of `runId` on its dataset version. Every prediction names an image of the
   * version, each image once (IMAGE_NOT_IN_VERSION), and an anomaly map must be an `anomaly_map` artifact of
   * this run (ARTIFACT_OF_ANOTHER_RUN): an evaluation never points at another run's artifacts.
   * @returns the new evaluation's id
   */
  async storeWorkerEvaluation(runId: string, datasetVersionId: string, input: z.output<typeof ZSubmitEvaluationInput>): Promise<string> {
    const ids = [...new Set(input.predictions.map((p) => p.imageId))];
    const known = await this.repo.imagesInVersion(datasetVersionId, ids);
    if (known.size !== ids.length || ids.length !== input.predictions.length) {
      const missing = ids.filter((i) => !known.has(i)).slice(0, 10);
      throw new RunsError('IMAGE_NOT_IN_VERSION', `predictions must name each image of the run's dataset version once; not in it: ${missing.join(', ') || '(duplicates)'}`);
    }
    await this.assertAnomalyMapsOfRun(runId, input.predictions);
    return this.repo.createFromWorker(runId, datasetVersionId, input);
  }

  private async assertAnomalyMapsOfRun(runId: string, predictions: readonly { anomalyMapArtifactId: string | null }[]): Promise<void> {
    const ids = [...new Set(predictions.map((p) => p.anomalyMapArtifactId).filter((id): id is string => id !== null))];
    if (ids.length === 0) return;
    const own = await this.repo.anomalyMapsOfRun(runId, ids);
    const issues = predictions
      .map((p, i) => ({ p, i }))
      .filter(({ p }) => p.anomalyMapArtifactId !== null && !own.has(p.anomalyMapArtifactId))
      .slice(0, 10)
      .map(({ i }) => ({ path: `body.predictions.${i}.anomalyMapArtifactId`, message: `not an anomaly map of run ${runId}` }));
    if (issues.length > 0) {
      throw new RunsError('ARTIFACT_OF_ANOTHER_RUN', `anomaly maps must be anomaly_map artifacts of run ${runId}; ${issues.length === 10 ? '10 or more' : issues.length} are not`, issues);
    }
  }

  async listForRun(runId: string): Promise<{ items: TEvaluation[] }> {
    if (!(await this.repo.runExists(runId))) throw new RunsError('RUN_NOT_FOUND', `no run ${runId}`);
    return { items: (await this.repo.listOfRun(runId)).map(toEvaluation) };
  }

  async get(id: string): Promise<TEvaluation> {
    const e = await this.repo.find(id);
    if (!e) throw evaluationNotFound(id);
    return toEvaluation(e);
  }

  /** Per-image scores with their labels under the evaluation's version, ordered by split then path. */
  async predictions(id: string, q: { page: number; pageSize: number; split?: 'train' | 'validation' | 'test' }) {
    const versionId = await this.repo.versionOf(id);
    if (!versionId) throw evaluationNotFound(id);
    const { items, total } = await this.repo.predictionPage(id, versionId, q);
    return { items, page: q.page, pageSize: q.pageSize, total };
  }

  /**
   * Stores `threshold` as operating point `name` of evaluation `id`: a fixed-threshold rule whose figures
   * (counts, rates, 95 % Clopper-Pearson intervals) are computed by libs/metrics on the test split under the
   * evaluation's own label version. Marked `oracle` and fitted on `test`, because a threshold picked in the
   * simulator was chosen while looking at test scores.
   */
  async saveOperatingPoint(id: string, name: string, threshold: number): Promise<TStoredOperatingPoint> {
    const ev = await this.repo.forOperatingPoint(id, name);
    if (!ev) throw evaluationNotFound(id);
    if (ev.nameTaken) {
      throw new RunsError('OPERATING_POINT_EXISTS', `evaluation ${id} already has an operating point named "${name}"`, [{ path: 'body.name', message: 'already used' }]);
    }
    const labelOf = await this.repo.labelsOf(ev.datasetVersionId);
    const labelled = labelledPredictions(ev.predictions.filter((p) => p.split === 'test'), labelOf);
    const rule: PointRule = { name, rule: { kind: 'fixed', threshold }, oracle: true, intervalMethod: 'clopper-pearson', confidence: 0.95 };
    const [point] = recomputeFigures(labelled, [rule]).points;
    if (!point) throw new RunsError('NOTHING_TO_RECOMPUTE', `evaluation ${id} has no scored test images to report a threshold on`);
    await this.repo.addOperatingPoints(id, ev.datasetVersionId, [point]);
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
    const source = await this.repo.recomputeSource(id);
    if (!source) throw evaluationNotFound(id);
    const target = await this.versions.requireVersion(datasetVersionId, 'body.datasetVersionId');
    if (target.datasetId !== source.datasetVersion.datasetId) {
      throw new RunsError('VERSIONS_OF_DIFFERENT_DATASETS', `version ${datasetVersionId} belongs to another dataset than evaluation ${id}`);
    }
    const labelOf = await this.repo.labelsOf(datasetVersionId);
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
    const pixels = await storedPixelPairs(this.repo, this.store, datasetVersionId, scored.filter((p) => p.split === 'test'));
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
    const newId = await this.repo.createRecomputed(source, datasetVersionId, runtime, scored, { points, metrics });
    return this.get(newId);
  }
}
