-- DropIndex
DROP INDEX "Artifact_storageKey_key";

-- CreateIndex
CREATE INDEX "Artifact_storageKey_idx" ON "Artifact"("storageKey");
