'use client';

import { ApiRequestError } from '@defectlab/contracts';
import { useState, type FormEvent } from 'react';
import { useAuth } from '../hooks/useAuth';
import { ROLE_CAN } from '../lib/roles';
import { TOKEN_PATTERN } from '../lib/session-names';

/** Sign in by pasting an API token (`dl_...`); the web app keeps it in an HttpOnly cookie that page scripts cannot read. */
export function SignInForm() {
  const auth = useAuth();
  const [value, setValue] = useState('');
  const [error, setError] = useState<string | null>(null);

  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const t = value.trim();
    if (!TOKEN_PATTERN.test(t)) {
      setError('A token starts with "dl_" followed by at least 20 letters, digits, "_" or "-".');
      return;
    }
    setError(null);
    setBusy(true);
    try {
      await auth.signIn(t);
      setValue('');
    } catch (err) {
      setError(err instanceof ApiRequestError && err.status === 401 ? 'The API does not know this token (unknown or revoked).' : `Sign-in failed: ${(err as Error).message}`);
    } finally {
      setBusy(false);
    }
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
    <form className="card stack" onSubmit={(e) => void submit(e)} aria-label="Sign in">
      <h2>Sign in</h2>
      <p className="muted">
        Paste an API token. On a fresh embedded platform the API prints the first admin token once (&quot;Admin token (shown once)&quot;), or
        set <code>DEFECTLAB_ADMIN_TOKEN</code>. The web app keeps it in an HttpOnly session cookie (page scripts cannot read it).
      </p>
      {auth.status === 'rejected' && (
        <p role="alert" className="status-bad">
          The API refused this session&apos;s token (unknown or revoked). Sign in again.
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
        <button type="submit" className="primary" disabled={busy}>
          Sign in
        </button>
      </div>
    </form>
  );
}
