import { RequireRole } from '../../modules/auth/components/RequireRole';
import { DatasetsView } from '../../modules/datasets/views/DatasetsView';

export default function DatasetsPage() {
  return (
    <RequireRole min="viewer">
      <DatasetsView />
    </RequireRole>
  );
}
