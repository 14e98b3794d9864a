-- AlterTable: every prediction names the content it scored; existing rows take their image's blob.
ALTER TABLE "Prediction" ADD COLUMN     "imageSha256" TEXT;
UPDATE "Prediction" AS p SET "imageSha256" = i."blobSha256" FROM "Image" AS i WHERE i."id" = p."imageId";
ALTER TABLE "Prediction" ALTER COLUMN "imageSha256" SET NOT NULL;
