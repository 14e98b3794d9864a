import type { TRunStatus, TModelKind } from '@defectlab/contracts';

export interface RunListFilters {
  readonly status?: TRunStatus;
  readonly kind?: TModelKind;
  readonly datasetVersionId?: string;
}

/** Query keys of runs and their sub-resources. */
export const runKeys = {
  all: ['runs'] as const,
  list: (f: RunListFilters) => ['runs', 'list', f] as const,
  detail: (runId: string) => ['runs', 'detail', runId] as const,
  progress: (runId: string) => ['runs', 'detail', runId, 'progress'] as const,
  artifacts: (runId: string) => ['runs', 'detail', runId, 'artifacts'] as const,
  evaluations: (runId: string) => ['runs', 'detail', runId, 'evaluations'] as const,
  groups: () => ['runs', 'groups'] as const,
  group: (groupId: string) => ['runs', 'groups', groupId] as const,
};

/** A run still changing: poll it. */
export const ACTIVE_STATUSES: readonly TRunStatus[] = ['queued', 'running'];
