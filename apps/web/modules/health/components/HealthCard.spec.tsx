import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import type { THealthResponse } from '@defectlab/contracts';
import { renderToStaticMarkup } from 'react-dom/server';
import { healthKeys } from '../hooks/useHealth';
import { HealthCard } from './HealthCard';

function renderWith(health: THealthResponse | undefined): string {
  const client = new QueryClient();
  if (health) client.setQueryData(healthKeys.all, health);
  return renderToStaticMarkup(
    <QueryClientProvider client={client}>
      <HealthCard />
    </QueryClientProvider>,
  );
}

describe('HealthCard', () => {
  const health: THealthResponse = {
    status: 'ok',
    version: '0.1.0',
    uptimeSeconds: 3,
    database: { kind: 'postgres', description: 'PostgreSQL db:5432/lab schema public', serverVersion: 'PostgreSQL 15.19', schemaVersion: '20261129_init' },
  };

  it('shows the database kind, where it is and the schema version', () => {
    const html = renderWith(health);
    expect(html).toContain('API up');
    expect(html).toContain('PostgreSQL db:5432/lab schema public');
    expect(html).toContain('20261129_init');
  });

  it('announces that it is still checking before the first answer', () => {
    expect(renderWith(undefined)).toContain('aria-busy="true"');
  });
});
