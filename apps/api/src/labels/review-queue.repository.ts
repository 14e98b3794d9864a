import { Inject, Injectable } from '@nestjs/common';
import type { TReviewQueue } from '@defectlab/contracts';
import { DATABASE } from '../database/database.module';
import type { Database } from '../database/database';
import { Prisma } from '../generated/prisma/client';
import { toLabelState } from '../versions/label-state';

/** The headline operating point (DESIGN.md: "at miss rate <= m, what overkill do we get?"), used when present. */
export const DEFAULT_OPERATING_POINT = 'miss<=0.5%';

export interface ReviewQueueQuery {
  page: number;
  pageSize: number;
  split?: string;
  value?: string;
  defectType?: string;
  operatingPoint?: string;
  margin: number;
  recentDays: number;
}

interface Row {
  imageId: string;
  relPath: string;
  split: string;
  value: string;
  defectType: string | null;
  maskSha256: string | null;
  uncertain: boolean;
  changeId: string | null;
  changedAt: Date | null;
  recent: boolean;
  n: bigint | number | null;
  nDefective: bigint | number | null;
  near: { evaluationId: string; runId: string; score: number; threshold: number; distance: number }[] | string | null;
  priority: number;
  total: bigint | number;
}

/**
 * Ranks the images of a version for review, in one SQL query:
 * - uncertain labels (+1);
 * - labels set by a change within `recentDays` (+0.5);
 * - scores near an operating threshold (the named operating point, by default DEFAULT_OPERATING_POINT or else the
 *   earliest non-oracle one): for the latest succeeded evaluation of every run on any version of the
 *   dataset (scores do not depend on labels), the distance |score - threshold| in units of that evaluation's score
 *   standard deviation; within `margin` it adds 1 - distance / margin for the nearest;
 * - disagreement: among those evaluations (two or more), how many put the image at or above their threshold and
 *   how many below; adds 4 x minority / all (2 at an even split).
 * Images with priority 0 are left out. Ties are broken by relPath.
 */
@Injectable()
export class ReviewQueueRepository {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  async rankedPage(versionId: string, datasetId: string, q: ReviewQueueQuery): Promise<Omit<TReviewQueue, 'version' | 'page' | 'pageSize'>> {
    const filters: Prisma.Sql[] = [];
    if (q.split) filters.push(Prisma.sql`AND i."split"::text = ${q.split}`);
    if (q.value) filters.push(Prisma.sql`AND l."value"::text = ${q.value}`);
    if (q.defectType === 'good') filters.push(Prisma.sql`AND l."value"::text = 'good'`);
    else if (q.defectType) filters.push(Prisma.sql`AND l."defectType" = ${q.defectType}`);
    const operatingPoint = q.operatingPoint ? Prisma.sql`op."name" = ${q.operatingPoint}` : Prisma.sql`op."oracle" = false`;
    const since = new Date(Date.now() - q.recentDays * 86_400_000);
    const evaluations = this.latestEvaluations(datasetId);

    const ranked = Prisma.sql`
      WITH lab AS (
        SELECT l."imageId", l."value"::text AS "value", l."defectType", l."maskSha256", l."uncertain", l."changeId",
               i."relPath", i."split"::text AS "split"
        FROM "Label" l JOIN "Image" i ON i."id" = l."imageId"
        WHERE l."versionId" = ${versionId}::uuid ${filters.length > 0 ? Prisma.join(filters, ' ') : Prisma.empty}
      ),
      evals AS (${evaluations}),
      thr AS (
        SELECT DISTINCT ON (op."evaluationId") op."evaluationId", op."threshold"
        FROM "OperatingPoint" op JOIN evals ON evals."id" = op."evaluationId"
        WHERE ${operatingPoint}
        ORDER BY op."evaluationId", (op."name" = ${DEFAULT_OPERATING_POINT}) DESC, op."createdAt", op."name"
      ),
      spread AS (
        SELECT p."evaluationId", stddev_pop(p."score") AS sd
        FROM "Prediction" p JOIN thr ON thr."evaluationId" = p."evaluationId"
        GROUP BY p."evaluationId"
      ),
      pred AS (
        SELECT p."imageId", e."runId", p."evaluationId", p."score", t."threshold",
               abs(p."score" - t."threshold") / NULLIF(s.sd, 0) AS dist,
               (p."score" >= t."threshold") AS flagged
        FROM "Prediction" p
        JOIN thr t ON t."evaluationId" = p."evaluationId"
        JOIN spread s ON s."evaluationId" = p."evaluationId"
        JOIN evals e ON e."id" = p."evaluationId"
        JOIN lab ON lab."imageId" = p."imageId"
      ),
      agg AS (
        SELECT "imageId", count(*) AS n, count(*) FILTER (WHERE flagged) AS n_def,
               min(dist) FILTER (WHERE dist <= ${q.margin}::float8) AS near_dist,
               json_agg(json_build_object('evaluationId', "evaluationId", 'runId', "runId", 'score', "score",
                                          'threshold', "threshold", 'distance', dist) ORDER BY dist)
                 FILTER (WHERE dist <= ${q.margin}::float8) AS near
        FROM pred GROUP BY "imageId"
      ),
      scored AS (
        SELECT lab.*, c."createdAt" AS "changedAt", (c."createdAt" >= ${since.toISOString()}::timestamp) AS recent,
               agg.n, agg.n_def AS "nDefective", agg.near,
               (CASE WHEN lab."uncertain" THEN 1.0 ELSE 0.0 END)
               + (CASE WHEN c."createdAt" >= ${since.toISOString()}::timestamp THEN 0.5 ELSE 0.0 END)
               + COALESCE(1.0 - agg.near_dist / ${q.margin}::float8, 0.0)
               + (CASE WHEN agg.n >= 2 THEN 4.0 * LEAST(agg.n_def, agg.n - agg.n_def)::float8 / agg.n ELSE 0.0 END) AS priority
        FROM lab
        LEFT JOIN "LabelChange" c ON c."id" = lab."changeId"
        LEFT JOIN agg ON agg."imageId" = lab."imageId"
      )`;
    const rows = await this.db.prisma.$queryRaw<Row[]>`
      ${ranked}
      SELECT *, priority::float8 AS priority, count(*) OVER () AS total
      FROM scored
      WHERE priority > 0
      ORDER BY priority DESC, "relPath"
      LIMIT ${q.pageSize} OFFSET ${(q.page - 1) * q.pageSize}`;
    const [{ n: evaluationsConsidered }] = await this.db.prisma.$queryRaw<{ n: bigint | number }[]>`SELECT count(*) AS n FROM (${evaluations}) e`;

    let total = rows.length > 0 ? Number(rows[0].total) : 0;
    if (rows.length === 0 && q.page > 1) {
      const [{ n }] = await this.db.prisma.$queryRaw<{ n: bigint | number }[]>`${ranked} SELECT count(*) AS n FROM scored WHERE priority > 0`;
      total = Number(n);
    }
    return {
      evaluationsConsidered: Number(evaluationsConsidered),
      total,
      items: rows.map((r) => {
        const n = Number(r.n ?? 0);
        const nDefective = Number(r.nDefective ?? 0);
        const near = typeof r.near === 'string' ? (JSON.parse(r.near) as Exclude<Row['near'], string>) : r.near;
        return {
          imageId: r.imageId,
          relPath: r.relPath,
          split: r.split as 'train' | 'validation' | 'test',
          label: toLabelState(r),
          priority: Math.round(Number(r.priority) * 1e6) / 1e6,
          reasons: {
            uncertain: r.uncertain,
            recentChange: r.recent && r.changeId && r.changedAt ? { changeId: r.changeId, changedAt: new Date(r.changedAt).toISOString() } : null,
            nearThreshold: (near ?? []).map((x) => ({ ...x, score: Number(x.score), threshold: Number(x.threshold), distance: Number(x.distance) })),
            disagreement: n >= 2 && nDefective > 0 && nDefective < n ? { defective: nDefective, good: n - nDefective } : null,
          },
        };
      }),
    };
  }

  /** The latest succeeded evaluation of every run, among evaluations on any version of the dataset. */
  private latestEvaluations(datasetId: string): Prisma.Sql {
    return Prisma.sql`
      SELECT DISTINCT ON (e."runId") e."id", e."runId"
      FROM "Evaluation" e JOIN "DatasetVersion" dv ON dv."id" = e."datasetVersionId"
      WHERE dv."datasetId" = ${datasetId}::uuid AND e."status" = 'succeeded'
      ORDER BY e."runId", e."createdAt" DESC, e."id"`;
  }
}
