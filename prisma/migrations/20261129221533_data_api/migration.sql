-- DropIndex
DROP INDEX "LabelChange_imageId_idx";

-- AlterTable
ALTER TABLE "Dataset" ADD COLUMN     "createdById" UUID,
ADD COLUMN     "importSha256" TEXT,
ADD COLUMN     "source" TEXT;

-- AlterTable
ALTER TABLE "LabelChange" ADD COLUMN     "fromMaskSha256" TEXT,
ADD COLUMN     "fromUncertain" BOOLEAN NOT NULL DEFAULT false;

-- CreateIndex
CREATE INDEX "Dataset_productLine_idx" ON "Dataset"("productLine");

-- CreateIndex
CREATE INDEX "LabelChange_imageId_createdAt_idx" ON "LabelChange"("imageId", "createdAt");

-- AddForeignKey
ALTER TABLE "Dataset" ADD CONSTRAINT "Dataset_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Label" ADD CONSTRAINT "Label_maskSha256_fkey" FOREIGN KEY ("maskSha256") REFERENCES "Blob"("sha256") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "LabelChange" ADD CONSTRAINT "LabelChange_baseVersionId_fkey" FOREIGN KEY ("baseVersionId") REFERENCES "DatasetVersion"("id") ON DELETE CASCADE ON UPDATE CASCADE;
