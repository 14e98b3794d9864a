import { ZEvaluationIdParams } from '@defectlab/contracts';
import { notFound } from 'next/navigation';
import { RequireRole } from '../../../modules/auth/components/RequireRole';
import { SimulatorView } from '../../../modules/simulator/views/SimulatorView';

export default async function EvaluationSimulatorPage({ params }: { params: Promise<{ evaluationId: string }> }) {
  const parsed = ZEvaluationIdParams.safeParse(await params);
  if (!parsed.success) notFound();
  return (
    <RequireRole min="viewer">
      <SimulatorView evaluationId={parsed.data.evaluationId} />
    </RequireRole>
  );
}
