import { createRunGroup, getRunGroup, listRunGroups, type TCreateRunGroupInput } from '@defectlab/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useApi } from '../../auth/hooks/useAuth';
import { ACTIVE_STATUSES, runKeys } from '../api/run-keys';

/** Recent run groups (sweeps), newest first. */
export function useRunGroups() {
  const api = useApi();
  return useQuery({ queryKey: runKeys.groups(), queryFn: () => api(listRunGroups, { query: { page: 1, pageSize: 20 } }), staleTime: 10_000 });
}

/** One run group with its runs; polled every 3 s while any run is queued or running. */
export function useRunGroup(groupId: string) {
  const api = useApi();
  return useQuery({
    queryKey: runKeys.group(groupId),
    queryFn: () => api(getRunGroup, { params: { groupId } }),
    staleTime: 2_000,
    refetchInterval: (q) => (q.state.data?.runs.some((r) => ACTIVE_STATUSES.includes(r.run.status)) ? 3_000 : false),
  });
}

export function useCreateRunGroup() {
  const api = useApi();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: TCreateRunGroupInput) => api(createRunGroup, { body }),
    onSuccess: () => qc.invalidateQueries({ queryKey: runKeys.all }),
  });
}
