import { getHealth } from '@defectlab/contracts';
import { useQuery } from '@tanstack/react-query';
import { api } from '../../api/api-client';

export const healthKeys = { all: ['health'] as const };

/** The API's health (database kind and schema version), refreshed every 15 s. */
export function useHealth() {
  return useQuery({ queryKey: healthKeys.all, queryFn: () => api(getHealth), staleTime: 5_000, refetchInterval: 15_000 });
}
