'use client';

import { ApiRequestError, createApiClient, getMe, type ApiClient, type TMe, type TRole } from '@defectlab/contracts';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { createContext, useCallback, useContext, useMemo, useSyncExternalStore, type ReactNode } from 'react';
import { hasRole } from '../lib/roles';
import { readToken, subscribeToken, writeToken } from '../lib/token-store';

export const authKeys = { me: (token: string | null) => ['auth', 'me', token ? token.slice(0, 12) : 'none'] as const };

export interface AuthState {
  /** The typed API client carrying the signed-in token (same origin: the web app forwards /api/*). */
  readonly api: ApiClient;
  readonly token: string | null;
  /** Who the token belongs to; null while signed out or while checking. */
  readonly me: TMe | null;
  readonly role: TRole | null;
  /** 'checking' until the first answer of /api/auth/me. */
  readonly status: 'signed-out' | 'checking' | 'signed-in' | 'rejected';
  readonly can: (min: TRole) => boolean;
  readonly signIn: (token: string) => void;
  readonly signOut: () => void;
}

const AuthContext = createContext<AuthState | null>(null);

/** Holds the API token (client-side), the typed client built on it and the user it belongs to. */
export function AuthProvider({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  const token = useSyncExternalStore(subscribeToken, readToken, () => null);
  const api = useMemo(() => createApiClient({ baseUrl: '', token }), [token]);
  const me = useQuery({
    queryKey: authKeys.me(token),
    queryFn: () => api(getMe),
    enabled: token !== null,
    staleTime: 5 * 60_000,
    retry: (n, e) => !(e instanceof ApiRequestError && (e.status === 401 || e.status === 403)) && n < 1,
  });
  const signIn = useCallback(
    (t: string) => {
      queryClient.clear();
      writeToken(t.trim());
    },
    [queryClient],
  );
  const signOut = useCallback(() => {
    queryClient.clear();
    writeToken(null);
  }, [queryClient]);
  const value = useMemo<AuthState>(() => {
    const role = me.data?.user.role ?? null;
    const status = token === null ? 'signed-out' : me.isError ? 'rejected' : me.data ? 'signed-in' : 'checking';
    return { api, token, me: me.data ?? null, role, status, can: (min) => hasRole(role, min), signIn, signOut };
  }, [api, token, me.data, me.isError, signIn, signOut]);
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthState {
  const ctx = useContext(AuthContext);
  if (!ctx) throw new Error('useAuth must be used inside <AuthProvider>');
  return ctx;
}

/** The typed API client of the signed-in user. */
export function useApi(): ApiClient {
  return useAuth().api;
}
