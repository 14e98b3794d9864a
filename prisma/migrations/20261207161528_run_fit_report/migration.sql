-- AlterTable
ALTER TABLE "Run" ADD COLUMN     "fitReport" JSONB;

-- Until now "resolvedConfig" held the model's report after fitting; it moves to "fitReport", and
-- "resolvedConfig" becomes the config resolved at submission (older runs are resolved when claimed).
UPDATE "Run" SET "fitReport" = "resolvedConfig", "resolvedConfig" = NULL WHERE "resolvedConfig" IS NOT NULL;
