'use client';

import { useState, type FormEvent } from 'react';
import { useAuth } from '../hooks/useAuth';
import { ROLE_CAN } from '../lib/roles';
import { TOKEN_PATTERN } from '../lib/token-store';

/** Sign in by pasting an API token (`dl_...`); it stays in this browser only. */
export function SignInForm() {
  const auth = useAuth();
  const [value, setValue] = useState('');
  const [error, setError] = useState<string | null>(null);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const t = value.trim();
    if (!TOKEN_PATTERN.test(t)) {
      setError('A token starts with "dl_" followed by at least 20 letters, digits, "_" or "-".');
      return;
    }
    setError(null);
    auth.signIn(t);
    setValue('');
  };

  if (auth.status === 'signed-in' && auth.me) {
    return (
      <section className="card" aria-label="Signed in">
        <p data-testid="signed-in-as">
          Signed in as <strong>{auth.me.user.name}</strong> ({auth.me.user.email}), role <strong>{auth.me.user.role}</strong>: you may{' '}
          {ROLE_CAN[auth.me.user.role]}.
        </p>
        <button type="button" onClick={auth.signOut}>
          Sign out
        </button>
      </section>
    );
  }
  return (
    <form className="card stack" onSubmit={submit} aria-label="Sign in">
      <h2>Sign in</h2>
      <p className="muted">
        Paste an API token. On a fresh embedded platform the API prints the first admin token once (&quot;Admin token (shown once)&quot;), or
        set <code>DEFECTLAB_ADMIN_TOKEN</code>. The token is kept in this browser only.
      </p>
      {auth.status === 'rejected' && (
        <p role="alert" className="status-bad">
          The API refused the stored token (unknown or revoked). Sign in again.
        </p>
      )}
      <label htmlFor="token">API token</label>
      <input
        id="token"
        name="token"
        type="password"
        autoComplete="off"
        spellCheck={false}
        value={value}
        onChange={(e) => setValue(e.target.value)}
        aria-invalid={error !== null}
        aria-describedby={error ? 'token-error' : undefined}
        placeholder="dl_..."
      />
      {error && (
        <p id="token-error" role="alert" className="status-bad">
          {error}
        </p>
      )}
      <div>
        <button type="submit" className="primary">
          Sign in
        </button>
      </div>
    </form>
  );
}
