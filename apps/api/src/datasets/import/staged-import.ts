import type { PrismaClient } from '../../generated/prisma/client';

/**
 * Deletes datasets an import staged (`importing`) with everything they hold (images, version, labels cascade),
 * then the Blob rows only they referenced. Blob rows another dataset or mask uses stay (the foreign keys
 * would refuse their deletion anyway); files in the artifact store stay and are reused by the next import.
 * @returns how many datasets were deleted.
 */
export async function discardStagedDatasets(prisma: PrismaClient, datasetIds: readonly string[]): Promise<number> {
  if (datasetIds.length === 0) return 0;
  const ids = [...datasetIds];
  const [images, masks] = await Promise.all([
    prisma.image.findMany({ where: { datasetId: { in: ids } }, select: { blobSha256: true }, distinct: ['blobSha256'] }),
    prisma.label.findMany({ where: { version: { datasetId: { in: ids } }, maskSha256: { not: null } }, select: { maskSha256: true }, distinct: ['maskSha256'] }),
  ]);
  const shas = [...new Set([...images.map((i) => i.blobSha256), ...masks.flatMap((m) => (m.maskSha256 ? [m.maskSha256] : []))])];
  const { count } = await prisma.dataset.deleteMany({ where: { id: { in: ids }, importing: true } });
  for (let i = 0; i < shas.length; i += 1000) {
    await prisma.blob.deleteMany({ where: { sha256: { in: shas.slice(i, i + 1000) }, images: { none: {} }, masks: { none: {} } } });
  }
  return count;
}

/**
 * Start-up housekeeping: deletes what imports killed mid-way left `importing` (they are invisible to readers,
 * and no import survives the process that ran it). Assumes one API process per database, as deployed.
 */
export async function cleanupInterruptedImports(prisma: PrismaClient): Promise<number> {
  const staged = await prisma.dataset.findMany({ where: { importing: true }, select: { id: true } });
  return discardStagedDatasets(prisma, staged.map((d) => d.id));
}
