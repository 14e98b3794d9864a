import {
  commitLabelChanges,
  getImageHistory,
  getReviewQueue,
  listDatasets,
  listVersionLabels,
  listVersions,
  type TCommitLabelChangesInput,
  type TSplit,
  type TVersionLabel,
} from '@defectlab/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useApi } from '../../auth/hooks/useAuth';
import { datasetKeys } from '../api/dataset-keys';

export function useDatasets() {
  const api = useApi();
  return useQuery({ queryKey: datasetKeys.list(), queryFn: () => api(listDatasets), staleTime: 30_000 });
}

export function useVersions(datasetId: string | null) {
  const api = useApi();
  return useQuery({
    queryKey: datasetKeys.versions(datasetId ?? ''),
    queryFn: () => api(listVersions, { params: { datasetId: datasetId as string } }),
    enabled: datasetId !== null,
    staleTime: 15_000,
  });
}

/** Every label of a version on one split (pages of 500), keyed by image id: where each image's bytes are (sha256). */
export function useVersionLabels(versionId: string | null, split?: TSplit) {
  const api = useApi();
  return useQuery({
    queryKey: datasetKeys.labels(versionId ?? '', split ?? 'all'),
    enabled: versionId !== null,
    staleTime: 5 * 60_000,
    queryFn: async (): Promise<Map<string, TVersionLabel>> => {
      const id = versionId as string;
      const first = await api(listVersionLabels, { params: { versionId: id }, query: { page: 1, pageSize: 500, split } });
      const pages = Math.ceil(first.total / 500);
      const rest = await Promise.all(
        Array.from({ length: Math.max(0, pages - 1) }, (_, i) => api(listVersionLabels, { params: { versionId: id }, query: { page: i + 2, pageSize: 500, split } })),
      );
      return new Map([first, ...rest].flatMap((p) => p.items).map((l) => [l.imageId, l]));
    },
  });
}

export function useImageHistory(imageId: string | null) {
  const api = useApi();
  return useQuery({
    queryKey: datasetKeys.history(imageId ?? ''),
    queryFn: () => api(getImageHistory, { params: { imageId: imageId as string } }),
    enabled: imageId !== null,
    staleTime: 10_000,
  });
}

export function useReviewQueue(versionId: string | null, page: number) {
  const api = useApi();
  return useQuery({
    queryKey: datasetKeys.reviewQueue(versionId ?? '', page),
    queryFn: () => api(getReviewQueue, { params: { versionId: versionId as string }, query: { page, pageSize: 50 } }),
    enabled: versionId !== null,
    staleTime: 15_000,
  });
}

export function useCommitLabelChanges() {
  const api = useApi();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ versionId, body }: { versionId: string; body: TCommitLabelChangesInput }) => api(commitLabelChanges, { params: { versionId }, body }),
    onSuccess: () => Promise.all([qc.invalidateQueries({ queryKey: datasetKeys.all }), qc.invalidateQueries({ queryKey: ['versions'] }), qc.invalidateQueries({ queryKey: ['images'] })]),
  });
}
