import { cancelRun, createRun, getRun, listRunArtifacts, listRunEvaluations, listRunProgress, reevaluate, type TCreateRunInput } from '@defectlab/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useApi } from '../../auth/hooks/useAuth';
import { ACTIVE_STATUSES, runKeys } from '../api/run-keys';

/** One run, polled every 2 s while it is queued or running. */
export function useRun(runId: string) {
  const api = useApi();
  return useQuery({
    queryKey: runKeys.detail(runId),
    queryFn: () => api(getRun, { params: { runId } }),
    staleTime: 2_000,
    refetchInterval: (q) => (q.state.data && ACTIVE_STATUSES.includes(q.state.data.status) ? 2_000 : false),
  });
}

/** The progress reports of a run (the loss curve); polled while the run is active. */
export function useRunProgress(runId: string, active: boolean) {
  const api = useApi();
  return useQuery({
    queryKey: runKeys.progress(runId),
    queryFn: () => api(listRunProgress, { params: { runId } }),
    staleTime: 2_000,
    refetchInterval: active ? 3_000 : false,
  });
}

export function useRunArtifacts(runId: string, active: boolean) {
  const api = useApi();
  return useQuery({
    queryKey: runKeys.artifacts(runId),
    queryFn: () => api(listRunArtifacts, { params: { runId } }),
    staleTime: 10_000,
    refetchInterval: active ? 5_000 : false,
  });
}

export function useRunEvaluations(runId: string, active = false) {
  const api = useApi();
  return useQuery({
    queryKey: runKeys.evaluations(runId),
    queryFn: () => api(listRunEvaluations, { params: { runId } }),
    staleTime: 30_000,
    refetchInterval: active ? 5_000 : false,
  });
}

export function useCreateRun() {
  const api = useApi();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: TCreateRunInput) => api(createRun, { body }),
    onSuccess: () => qc.invalidateQueries({ queryKey: runKeys.all }),
  });
}

export function useCancelRun() {
  const api = useApi();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (runId: string) => api(cancelRun, { params: { runId } }),
    onSuccess: (run) => {
      qc.setQueryData(runKeys.detail(run.id), run);
      return qc.invalidateQueries({ queryKey: runKeys.all });
    },
  });
}

/** Recomputes an evaluation's figures on another version's labels from its stored scores (no retraining). */
export function useReevaluate(runId: string) {
  const api = useApi();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ evaluationId, datasetVersionId }: { evaluationId: string; datasetVersionId: string }) =>
      api(reevaluate, { params: { evaluationId }, body: { datasetVersionId } }),
    onSuccess: () => qc.invalidateQueries({ queryKey: runKeys.evaluations(runId) }),
  });
}
