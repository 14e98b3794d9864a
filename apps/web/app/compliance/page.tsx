import { RequireRole } from '../../modules/auth/components/RequireRole';
import { ComplianceView } from '../../modules/compliance/views/ComplianceView';

export default function CompliancePage() {
  return (
    <RequireRole min="viewer">
      <ComplianceView />
    </RequireRole>
  );
}
