'use client';

import { useHealth } from '../hooks/useHealth';

/** Shows whether the API and its database are up, and which database and schema version they run. */
export function HealthCard() {
  const health = useHealth();
  if (health.isPending) return <section className="card" aria-busy="true">Checking the API…</section>;
  if (health.isError) {
    return (
      <section className="card" role="alert">
        <span className="status-bad">API unreachable</span>: {health.error.message}
      </section>
    );
  }
  const { database, version } = health.data;
  return (
    <section className="card" aria-label="Platform health">
      <p>
        <span className="status-ok" data-testid="api-status">
          API up
        </span>{' '}
        (DefectLab {version})
      </p>
      <dl className="facts">
        <dt>Database</dt>
        <dd data-testid="db-kind">{database.kind === 'pglite' ? 'PGlite (embedded)' : 'PostgreSQL'}</dd>
        <dt>Where</dt>
        <dd data-testid="db-where">{database.description}</dd>
        <dt>Schema version</dt>
        <dd>{database.schemaVersion ?? 'none'}</dd>
      </dl>
    </section>
  );
}
