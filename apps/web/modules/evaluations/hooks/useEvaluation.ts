import { getEvaluation, listEvaluationPredictions, saveOperatingPoint, type TPredictionRow, type TSplit } from '@defectlab/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useApi } from '../../auth/hooks/useAuth';
import { evaluationKeys } from '../api/evaluation-keys';

export function useEvaluation(evaluationId: string | null) {
  const api = useApi();
  return useQuery({
    queryKey: evaluationKeys.detail(evaluationId ?? ''),
    queryFn: () => api(getEvaluation, { params: { evaluationId: evaluationId as string } }),
    enabled: evaluationId !== null,
    staleTime: 60_000,
  });
}

const PAGE = 500;

/**
 * Every prediction of an evaluation on one split (all pages of 500). Scores of an evaluation never
 * change, so they are cached for 10 minutes; the simulator works on them without further requests.
 */
export function usePredictions(evaluationId: string | null, split: TSplit = 'test') {
  const api = useApi();
  return useQuery({
    queryKey: evaluationKeys.predictions(evaluationId ?? '', split),
    enabled: evaluationId !== null,
    staleTime: 10 * 60_000,
    queryFn: async (): Promise<TPredictionRow[]> => {
      const id = evaluationId as string;
      const first = await api(listEvaluationPredictions, { params: { evaluationId: id }, query: { page: 1, pageSize: PAGE, split } });
      const pages = Math.ceil(first.total / PAGE);
      const rest = await Promise.all(
        Array.from({ length: Math.max(0, pages - 1) }, (_, i) =>
          api(listEvaluationPredictions, { params: { evaluationId: id }, query: { page: i + 2, pageSize: PAGE, split } }),
        ),
      );
      return [first, ...rest].flatMap((p) => p.items);
    },
  });
}

/** Saves a threshold as a named operating point of an evaluation (engineer role), then refreshes the evaluation. */
export function useSaveOperatingPoint(evaluationId: string) {
  const api = useApi();
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: { name: string; threshold: number }) => api(saveOperatingPoint, { params: { evaluationId }, body: input }),
    onSuccess: () => client.invalidateQueries({ queryKey: evaluationKeys.detail(evaluationId) }),
  });
}
