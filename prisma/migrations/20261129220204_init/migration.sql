-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "Role" AS ENUM ('viewer', 'curator', 'engineer', 'admin');

-- CreateEnum
CREATE TYPE "Split" AS ENUM ('train', 'validation', 'test');

-- CreateEnum
CREATE TYPE "LabelValue" AS ENUM ('good', 'defective');

-- CreateEnum
CREATE TYPE "ModelKind" AS ENUM ('csflow', 'patchcore', 'cfa');

-- CreateEnum
CREATE TYPE "RunStatus" AS ENUM ('queued', 'running', 'succeeded', 'failed', 'cancelled');

-- CreateEnum
CREATE TYPE "ArtifactKind" AS ENUM ('weights', 'checkpoint', 'onnx', 'anomaly_map', 'log', 'report');

-- CreateEnum
CREATE TYPE "EvaluationStatus" AS ENUM ('running', 'succeeded', 'failed');

-- CreateTable
CREATE TABLE "User" (
    "id" UUID NOT NULL,
    "email" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "role" "Role" NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "User_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ApiToken" (
    "id" UUID NOT NULL,
    "userId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastUsedAt" TIMESTAMP(3),
    "revokedAt" TIMESTAMP(3),

    CONSTRAINT "ApiToken_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Blob" (
    "sha256" TEXT NOT NULL,
    "bytes" INTEGER NOT NULL,
    "format" TEXT NOT NULL,
    "width" INTEGER,
    "height" INTEGER,
    "storageKey" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Blob_pkey" PRIMARY KEY ("sha256")
);

-- CreateTable
CREATE TABLE "Dataset" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "productLine" TEXT NOT NULL,
    "description" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Dataset_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Image" (
    "id" UUID NOT NULL,
    "datasetId" UUID NOT NULL,
    "blobSha256" TEXT NOT NULL,
    "relPath" TEXT NOT NULL,
    "split" "Split" NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Image_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DatasetVersion" (
    "id" UUID NOT NULL,
    "datasetId" UUID NOT NULL,
    "number" INTEGER NOT NULL,
    "parentId" UUID,
    "note" TEXT,
    "createdById" UUID,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "DatasetVersion_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Label" (
    "id" UUID NOT NULL,
    "versionId" UUID NOT NULL,
    "imageId" UUID NOT NULL,
    "value" "LabelValue" NOT NULL,
    "defectType" TEXT,
    "maskSha256" TEXT,
    "uncertain" BOOLEAN NOT NULL DEFAULT false,
    "changeId" UUID,

    CONSTRAINT "Label_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "LabelChange" (
    "id" UUID NOT NULL,
    "imageId" UUID NOT NULL,
    "baseVersionId" UUID NOT NULL,
    "resultVersionId" UUID NOT NULL,
    "fromValue" "LabelValue" NOT NULL,
    "fromDefectType" TEXT,
    "toValue" "LabelValue" NOT NULL,
    "toDefectType" TEXT,
    "toMaskSha256" TEXT,
    "toUncertain" BOOLEAN NOT NULL DEFAULT false,
    "reason" TEXT NOT NULL,
    "authorId" UUID NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "LabelChange_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Backbone" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "sha256" TEXT NOT NULL,
    "inputSize" JSONB NOT NULL,
    "normalization" JSONB NOT NULL,
    "layers" JSONB NOT NULL,
    "sizeBytes" BIGINT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Backbone_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Run" (
    "id" UUID NOT NULL,
    "kind" "ModelKind" NOT NULL,
    "preset" TEXT,
    "config" JSONB NOT NULL,
    "resolvedConfig" JSONB,
    "datasetVersionId" UUID NOT NULL,
    "backboneId" UUID,
    "seed" INTEGER NOT NULL,
    "status" "RunStatus" NOT NULL DEFAULT 'queued',
    "progress" JSONB,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "maxAttempts" INTEGER NOT NULL DEFAULT 2,
    "workerId" TEXT,
    "hardware" JSONB,
    "runtime" JSONB,
    "trainingBackend" TEXT,
    "codeVersion" TEXT,
    "error" TEXT,
    "createdById" UUID,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),
    "heartbeatAt" TIMESTAMP(3),
    "cancelRequestedAt" TIMESTAMP(3),

    CONSTRAINT "Run_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RunProgressPoint" (
    "id" BIGSERIAL NOT NULL,
    "runId" UUID NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "phase" TEXT NOT NULL,
    "epoch" INTEGER,
    "step" INTEGER,
    "loss" DOUBLE PRECISION,
    "throughput" DOUBLE PRECISION,
    "etaSeconds" DOUBLE PRECISION,

    CONSTRAINT "RunProgressPoint_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Artifact" (
    "id" UUID NOT NULL,
    "runId" UUID,
    "kind" "ArtifactKind" NOT NULL,
    "storageKey" TEXT NOT NULL,
    "bytes" BIGINT NOT NULL,
    "sha256" TEXT NOT NULL,
    "contentType" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Artifact_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Evaluation" (
    "id" UUID NOT NULL,
    "runId" UUID NOT NULL,
    "datasetVersionId" UUID NOT NULL,
    "sourceEvaluationId" UUID,
    "status" "EvaluationStatus" NOT NULL DEFAULT 'running',
    "sizeBytes" BIGINT,
    "backboneSizeBytes" BIGINT,
    "latency" JSONB,
    "hardware" JSONB,
    "runtime" JSONB,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Evaluation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Prediction" (
    "id" UUID NOT NULL,
    "evaluationId" UUID NOT NULL,
    "imageId" UUID NOT NULL,
    "split" "Split" NOT NULL,
    "score" DOUBLE PRECISION NOT NULL,
    "anomalyMapArtifactId" UUID,

    CONSTRAINT "Prediction_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "EvaluationMetric" (
    "id" UUID NOT NULL,
    "evaluationId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "split" "Split" NOT NULL,
    "datasetVersionId" UUID NOT NULL,
    "value" DOUBLE PRECISION,

    CONSTRAINT "EvaluationMetric_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "OperatingPoint" (
    "id" UUID NOT NULL,
    "evaluationId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "rule" JSONB NOT NULL,
    "oracle" BOOLEAN NOT NULL DEFAULT false,
    "fitSplit" "Split" NOT NULL,
    "reportSplit" "Split" NOT NULL,
    "datasetVersionId" UUID NOT NULL,
    "threshold" DOUBLE PRECISION NOT NULL,
    "counts" JSONB NOT NULL,
    "missRate" DOUBLE PRECISION,
    "missRateCi" JSONB,
    "overkillRate" DOUBLE PRECISION,
    "overkillRateCi" JSONB,
    "accuracy" DOUBLE PRECISION,
    "accuracyCi" JSONB,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "OperatingPoint_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Target" (
    "id" UUID NOT NULL,
    "productLine" TEXT NOT NULL,
    "maxMissRate" DOUBLE PRECISION NOT NULL,
    "maxOverkillRate" DOUBLE PRECISION NOT NULL,
    "maxSizeBytes" BIGINT NOT NULL,
    "maxLatencyMs" DOUBLE PRECISION NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Target_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "User_email_key" ON "User"("email");

-- CreateIndex
CREATE UNIQUE INDEX "ApiToken_tokenHash_key" ON "ApiToken"("tokenHash");

-- CreateIndex
CREATE INDEX "ApiToken_userId_idx" ON "ApiToken"("userId");

-- CreateIndex
CREATE UNIQUE INDEX "Dataset_name_key" ON "Dataset"("name");

-- CreateIndex
CREATE INDEX "Image_blobSha256_idx" ON "Image"("blobSha256");

-- CreateIndex
CREATE UNIQUE INDEX "Image_datasetId_relPath_key" ON "Image"("datasetId", "relPath");

-- CreateIndex
CREATE UNIQUE INDEX "DatasetVersion_datasetId_number_key" ON "DatasetVersion"("datasetId", "number");

-- CreateIndex
CREATE INDEX "Label_imageId_idx" ON "Label"("imageId");

-- CreateIndex
CREATE UNIQUE INDEX "Label_versionId_imageId_key" ON "Label"("versionId", "imageId");

-- CreateIndex
CREATE INDEX "LabelChange_imageId_idx" ON "LabelChange"("imageId");

-- CreateIndex
CREATE INDEX "LabelChange_resultVersionId_idx" ON "LabelChange"("resultVersionId");

-- CreateIndex
CREATE UNIQUE INDEX "Backbone_sha256_key" ON "Backbone"("sha256");

-- CreateIndex
CREATE INDEX "Run_status_idx" ON "Run"("status");

-- CreateIndex
CREATE INDEX "Run_datasetVersionId_idx" ON "Run"("datasetVersionId");

-- CreateIndex
CREATE INDEX "RunProgressPoint_runId_at_idx" ON "RunProgressPoint"("runId", "at");

-- CreateIndex
CREATE UNIQUE INDEX "Artifact_storageKey_key" ON "Artifact"("storageKey");

-- CreateIndex
CREATE INDEX "Artifact_runId_idx" ON "Artifact"("runId");

-- CreateIndex
CREATE INDEX "Evaluation_runId_idx" ON "Evaluation"("runId");

-- CreateIndex
CREATE INDEX "Evaluation_datasetVersionId_idx" ON "Evaluation"("datasetVersionId");

-- CreateIndex
CREATE UNIQUE INDEX "Prediction_evaluationId_imageId_key" ON "Prediction"("evaluationId", "imageId");

-- CreateIndex
CREATE UNIQUE INDEX "EvaluationMetric_evaluationId_name_split_key" ON "EvaluationMetric"("evaluationId", "name", "split");

-- CreateIndex
CREATE UNIQUE INDEX "OperatingPoint_evaluationId_name_key" ON "OperatingPoint"("evaluationId", "name");

-- CreateIndex
CREATE UNIQUE INDEX "Target_productLine_key" ON "Target"("productLine");

-- AddForeignKey
ALTER TABLE "ApiToken" ADD CONSTRAINT "ApiToken_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Image" ADD CONSTRAINT "Image_datasetId_fkey" FOREIGN KEY ("datasetId") REFERENCES "Dataset"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Image" ADD CONSTRAINT "Image_blobSha256_fkey" FOREIGN KEY ("blobSha256") REFERENCES "Blob"("sha256") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DatasetVersion" ADD CONSTRAINT "DatasetVersion_datasetId_fkey" FOREIGN KEY ("datasetId") REFERENCES "Dataset"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DatasetVersion" ADD CONSTRAINT "DatasetVersion_parentId_fkey" FOREIGN KEY ("parentId") REFERENCES "DatasetVersion"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DatasetVersion" ADD CONSTRAINT "DatasetVersion_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Label" ADD CONSTRAINT "Label_versionId_fkey" FOREIGN KEY ("versionId") REFERENCES "DatasetVersion"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Label" ADD CONSTRAINT "Label_imageId_fkey" FOREIGN KEY ("imageId") REFERENCES "Image"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Label" ADD CONSTRAINT "Label_changeId_fkey" FOREIGN KEY ("changeId") REFERENCES "LabelChange"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "LabelChange" ADD CONSTRAINT "LabelChange_imageId_fkey" FOREIGN KEY ("imageId") REFERENCES "Image"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "LabelChange" ADD CONSTRAINT "LabelChange_resultVersionId_fkey" FOREIGN KEY ("resultVersionId") REFERENCES "DatasetVersion"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "LabelChange" ADD CONSTRAINT "LabelChange_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Run" ADD CONSTRAINT "Run_datasetVersionId_fkey" FOREIGN KEY ("datasetVersionId") REFERENCES "DatasetVersion"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Run" ADD CONSTRAINT "Run_backboneId_fkey" FOREIGN KEY ("backboneId") REFERENCES "Backbone"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Run" ADD CONSTRAINT "Run_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RunProgressPoint" ADD CONSTRAINT "RunProgressPoint_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Artifact" ADD CONSTRAINT "Artifact_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Evaluation" ADD CONSTRAINT "Evaluation_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Evaluation" ADD CONSTRAINT "Evaluation_datasetVersionId_fkey" FOREIGN KEY ("datasetVersionId") REFERENCES "DatasetVersion"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Evaluation" ADD CONSTRAINT "Evaluation_sourceEvaluationId_fkey" FOREIGN KEY ("sourceEvaluationId") REFERENCES "Evaluation"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Prediction" ADD CONSTRAINT "Prediction_evaluationId_fkey" FOREIGN KEY ("evaluationId") REFERENCES "Evaluation"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Prediction" ADD CONSTRAINT "Prediction_imageId_fkey" FOREIGN KEY ("imageId") REFERENCES "Image"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Prediction" ADD CONSTRAINT "Prediction_anomalyMapArtifactId_fkey" FOREIGN KEY ("anomalyMapArtifactId") REFERENCES "Artifact"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "EvaluationMetric" ADD CONSTRAINT "EvaluationMetric_evaluationId_fkey" FOREIGN KEY ("evaluationId") REFERENCES "Evaluation"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "OperatingPoint" ADD CONSTRAINT "OperatingPoint_evaluationId_fkey" FOREIGN KEY ("evaluationId") REFERENCES "Evaluation"("id") ON DELETE CASCADE ON UPDATE CASCADE;
