import { RequireRole } from '../../modules/auth/components/RequireRole';
import { RunsView } from '../../modules/runs/views/RunsView';

export default function RunsPage() {
  return (
    <RequireRole min="viewer">
      <RunsView />
    </RequireRole>
  );
}
