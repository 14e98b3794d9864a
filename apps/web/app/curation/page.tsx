import { RequireRole } from '../../modules/auth/components/RequireRole';
import { CurationView } from '../../modules/curation/views/CurationView';

export default function CurationPage() {
  return (
    <RequireRole min="viewer">
      <CurationView />
    </RequireRole>
  );
}
