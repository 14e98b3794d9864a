/** Query keys of datasets, versions and labels. */
export const datasetKeys = {
  all: ['datasets'] as const,
  list: () => ['datasets', 'list'] as const,
  versions: (datasetId: string) => ['datasets', datasetId, 'versions'] as const,
  version: (versionId: string) => ['versions', versionId] as const,
  labels: (versionId: string, split: string) => ['versions', versionId, 'labels', split] as const,
  history: (imageId: string) => ['images', imageId, 'history'] as const,
  reviewQueue: (versionId: string, page: number) => ['versions', versionId, 'review-queue', page] as const,
};
