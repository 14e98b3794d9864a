import { listRuns, listRunEvaluations, type TEvaluation, type TRun } from '@defectlab/contracts';
import { useQueries, useQuery } from '@tanstack/react-query';
import { useCallback } from 'react';
import { useApi } from '../../auth/hooks/useAuth';
import { ACTIVE_STATUSES, runKeys, type RunListFilters } from '../api/run-keys';

/** Runs, newest first (up to 200); polled every 2 s while any is queued or running. */
export function useRuns(filters: RunListFilters = {}) {
  const api = useApi();
  return useQuery({
    queryKey: runKeys.list(filters),
    queryFn: () => api(listRuns, { query: { page: 1, pageSize: 200, ...filters } }),
    staleTime: 2_000,
    refetchInterval: (q) => (q.state.data?.items.some((r) => ACTIVE_STATUSES.includes(r.status)) ? 2_000 : 15_000),
  });
}

/** The evaluations of each given run (one request per run, cached per run); a stable Map while nothing changed. */
export function useEvaluationsOfRuns(runs: readonly TRun[]): Map<string, TEvaluation[]> {
  const api = useApi();
  return useQueries({
    queries: runs.map((r) => ({
      queryKey: runKeys.evaluations(r.id),
      queryFn: () => api(listRunEvaluations, { params: { runId: r.id } }),
      staleTime: 30_000,
      enabled: r.status === 'succeeded',
    })),
    combine: useCallback(
      (results: { data?: { items: TEvaluation[] } }[]) => {
        const out = new Map<string, TEvaluation[]>();
        runs.forEach((r, i) => out.set(r.id, results[i]?.data?.items ?? []));
        return out;
      },
      [runs],
    ),
  });
}
