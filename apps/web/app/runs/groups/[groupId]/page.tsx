import { ZRunGroupIdParams } from '@defectlab/contracts';
import { notFound } from 'next/navigation';
import { RequireRole } from '../../../../modules/auth/components/RequireRole';
import { RunGroupView } from '../../../../modules/runs/views/RunGroupView';

export default async function RunGroupPage({ params }: { params: Promise<{ groupId: string }> }) {
  const parsed = ZRunGroupIdParams.safeParse(await params);
  if (!parsed.success) notFound();
  return (
    <RequireRole min="viewer">
      <RunGroupView groupId={parsed.data.groupId} />
    </RequireRole>
  );
}
