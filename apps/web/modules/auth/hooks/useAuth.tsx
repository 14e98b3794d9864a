'use client';

import { ApiRequestError, getMe, type ApiClient, type TMe, type TRole } from '@defectlab/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { createContext, useContext, useEffect, useMemo, type ReactNode } from 'react';
import { api } from '../../api/api-client';
import { cookieValue } from '../../api/request-headers';
import { endSession, startSession } from '../api/session';
import { hasRole } from '../lib/roles';
import { CSRF_COOKIE } from '../lib/session-names';

export const authKeys = { me: () => ['auth', 'me'] as const };

/** Where tokens lived before issue 16 (readable by any script of the page): both removed on sight. */
const LEGACY_TOKEN_KEY = 'defectlab.token';
const LEGACY_TOKEN_COOKIE = 'dl_token';

export interface AuthState {
  /** The typed API client (same origin: the web app forwards /api/* with the session cookie as the Bearer header). */
  readonly api: ApiClient;
  /** Who is signed in; null while signed out or while checking. */
  readonly me: TMe | null;
  readonly role: TRole | null;
  /** 'checking' until the first answer of /api/auth/me; 'rejected' when a session exists but the API refused its token. */
  readonly status: 'signed-out' | 'checking' | 'signed-in' | 'rejected';
  readonly can: (min: TRole) => boolean;
  /** Starts a session with a pasted token; the returned promise rejects with the API's refusal. */
  readonly signIn: (token: string) => Promise<void>;
  readonly signOut: () => void;
  /** The error of the last sign-in, if it failed. */
  readonly signInError: Error | null;
}

const AuthContext = createContext<AuthState | null>(null);

const refused = (e: unknown) => e instanceof ApiRequestError && (e.status === 401 || e.status === 403);

/**
 * Who is signed in. The token itself never reaches page scripts: it lives in the web app's HttpOnly session
 * cookie (app/session/route.ts), so this provider only asks the API who the session belongs to.
 */
export function AuthProvider({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  useEffect(() => {
    try {
      window.localStorage.removeItem(LEGACY_TOKEN_KEY);
    } catch {
      // storage disabled: nothing to remove
    }
    document.cookie = `${LEGACY_TOKEN_COOKIE}=; path=/; SameSite=Strict; max-age=0`;
  }, []);
  const me = useQuery({
    queryKey: authKeys.me(),
    queryFn: () => api(getMe),
    staleTime: 5 * 60_000,
    retry: (n, e) => !refused(e) && n < 1,
  });
  const signInMutation = useMutation({
    mutationFn: startSession,
    onSuccess: (who) => {
      queryClient.clear();
      queryClient.setQueryData(authKeys.me(), who);
    },
  });
  const signOutMutation = useMutation({
    mutationFn: endSession,
    onSettled: () => {
      queryClient.clear();
      void queryClient.invalidateQueries({ queryKey: authKeys.me() });
    },
  });
  const signIn = signInMutation.mutateAsync;
  const signOut = signOutMutation.mutate;
  const value = useMemo<AuthState>(() => {
    const role = me.data?.user.role ?? null;
    const hasSession = typeof document !== 'undefined' && cookieValue(document.cookie, CSRF_COOKIE) !== null;
    const status = me.data ? 'signed-in' : me.isError ? (refused(me.error) && hasSession ? 'rejected' : 'signed-out') : 'checking';
    return {
      api,
      me: me.data ?? null,
      role,
      status,
      can: (min) => hasRole(role, min),
      signIn: async (t) => {
        await signIn(t.trim());
      },
      signOut: () => signOut(),
      signInError: signInMutation.error,
    };
  }, [me.data, me.isError, me.error, signIn, signOut, signInMutation.error]);
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
