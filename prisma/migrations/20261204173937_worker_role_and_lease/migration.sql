-- AlterEnum
ALTER TYPE "Role" ADD VALUE 'worker';

-- AlterTable
ALTER TABLE "Run" ADD COLUMN     "leaseTokenHash" TEXT;
