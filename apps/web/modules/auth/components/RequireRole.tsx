'use client';

import type { TRole } from '@defectlab/contracts';
import type { ReactNode } from 'react';
import { useAuth } from '../hooks/useAuth';
import { SignInForm } from './SignInForm';

/**
 * A page's permission check: children render only for a signed-in user with at least `min`;
 * otherwise the sign-in form or a plain "your role may not" message.
 */
export function RequireRole({ min, children }: { min: TRole; children: ReactNode }) {
  const auth = useAuth();
  if (auth.status === 'signed-out' || auth.status === 'rejected') return <SignInForm />;
  if (auth.status === 'checking') {
    return (
      <p aria-busy="true" className="muted">
        Checking your token…
      </p>
    );
  }
  if (!auth.can(min)) {
    return (
      <p role="alert" className="card">
        This page needs the role <strong>{min}</strong>; you are signed in as <strong>{auth.role}</strong>.
      </p>
    );
  }
  return <>{children}</>;
}
