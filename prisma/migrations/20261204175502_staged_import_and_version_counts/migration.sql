-- AlterTable
ALTER TABLE "Dataset" ADD COLUMN     "importing" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "DatasetVersion" ADD COLUMN     "imageCount" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "testCount" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "trainCount" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "validationCount" INTEGER NOT NULL DEFAULT 0;

-- Backfill: the counts of every existing version, from its labels and their images' splits
UPDATE "DatasetVersion" v
SET "imageCount" = c."total", "trainCount" = c."train", "validationCount" = c."validation", "testCount" = c."test"
FROM (
  SELECT l."versionId",
         count(*)::int AS "total",
         (count(*) FILTER (WHERE i."split" = 'train'))::int AS "train",
         (count(*) FILTER (WHERE i."split" = 'validation'))::int AS "validation",
         (count(*) FILTER (WHERE i."split" = 'test'))::int AS "test"
  FROM "Label" l
  JOIN "Image" i ON i."id" = l."imageId"
  GROUP BY l."versionId"
) c
WHERE c."versionId" = v."id";
