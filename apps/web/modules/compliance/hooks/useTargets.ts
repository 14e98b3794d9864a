import { createTarget, listTargets, updateTarget, type TCreateTargetInput } from '@defectlab/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useApi } from '../../auth/hooks/useAuth';
import { targetKeys } from '../api/target-keys';

export function useTargets() {
  const api = useApi();
  return useQuery({ queryKey: targetKeys.all, queryFn: () => api(listTargets), staleTime: 30_000 });
}

/** Creates or replaces a product line's targets (PUT when it has some, POST otherwise). */
export function useSaveTarget() {
  const api = useApi();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ exists, input }: { exists: boolean; input: TCreateTargetInput }) => {
      const { productLine, ...fields } = input;
      return exists ? api(updateTarget, { params: { productLine }, body: fields }) : api(createTarget, { body: input });
    },
    onSuccess: () => qc.invalidateQueries({ queryKey: targetKeys.all }),
  });
}
