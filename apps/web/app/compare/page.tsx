import { z } from 'zod';
import { RequireRole } from '../../modules/auth/components/RequireRole';
import { CompareView } from '../../modules/compare/views/CompareView';

const ZCompareQuery = z.object({ evaluations: z.string().optional() });

export default async function ComparePage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const q = ZCompareQuery.safeParse(await searchParams);
  const ids = (q.success ? (q.data.evaluations ?? '') : '')
    .split(',')
    .filter((s) => z.uuid().safeParse(s).success)
    .slice(0, 6);
  return (
    <RequireRole min="viewer">
      <CompareView evaluationIds={ids} />
    </RequireRole>
  );
}
