'use client';

import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { AuthProvider } from '../modules/auth/hooks/useAuth';
import { NavBar } from '../modules/auth/components/NavBar';

/** One QueryClient per browser session; server data is re-fetched after 10 s by default. */
export function Providers({ children }: { children: ReactNode }) {
  const [client] = useState(() => new QueryClient({ defaultOptions: { queries: { staleTime: 10_000, retry: 1 } } }));
  return (
    <QueryClientProvider client={client}>
      <AuthProvider>
        <NavBar />
        <main id="content">{children}</main>
      </AuthProvider>
    </QueryClientProvider>
  );
}
