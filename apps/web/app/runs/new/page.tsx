import { RequireRole } from '../../../modules/auth/components/RequireRole';
import { NewRunForm } from '../../../modules/runs/components/NewRunForm';

export default function NewRunPage() {
  return (
    <>
      <h1>New run</h1>
      <RequireRole min="engineer">
        <NewRunForm />
      </RequireRole>
    </>
  );
}
