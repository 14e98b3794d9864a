-- AlterTable
ALTER TABLE "Run" ADD COLUMN     "gridIndex" INTEGER,
ADD COLUMN     "gridPoint" JSONB,
ADD COLUMN     "runGroupId" UUID;

-- CreateTable
CREATE TABLE "RunGroup" (
    "id" UUID NOT NULL,
    "name" TEXT,
    "kind" "ModelKind" NOT NULL,
    "datasetVersionId" UUID NOT NULL,
    "baseConfig" JSONB NOT NULL,
    "grid" JSONB NOT NULL,
    "createdById" UUID,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "RunGroup_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "RunGroup_createdAt_idx" ON "RunGroup"("createdAt");

-- CreateIndex
CREATE INDEX "Run_runGroupId_idx" ON "Run"("runGroupId");

-- AddForeignKey
ALTER TABLE "Run" ADD CONSTRAINT "Run_runGroupId_fkey" FOREIGN KEY ("runGroupId") REFERENCES "RunGroup"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RunGroup" ADD CONSTRAINT "RunGroup_datasetVersionId_fkey" FOREIGN KEY ("datasetVersionId") REFERENCES "DatasetVersion"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RunGroup" ADD CONSTRAINT "RunGroup_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;
