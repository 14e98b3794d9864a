import { ZRunIdParams } from '@defectlab/contracts';
import { notFound } from 'next/navigation';
import { RequireRole } from '../../../modules/auth/components/RequireRole';
import { RunDetailView } from '../../../modules/runs/views/RunDetailView';

export default async function RunPage({ params }: { params: Promise<{ runId: string }> }) {
  const parsed = ZRunIdParams.safeParse(await params);
  if (!parsed.success) notFound();
  return (
    <RequireRole min="viewer">
      <RunDetailView runId={parsed.data.runId} />
    </RequireRole>
  );
}
