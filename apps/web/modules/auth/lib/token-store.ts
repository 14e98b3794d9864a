/**
 * Where the signed-in API token lives in the browser: localStorage (for the typed client's
 * Authorization header) and a same-site cookie that the web app's own `/api/*` forwarder turns into
 * an Authorization header for image GETs only (an <img> cannot send headers). Nothing is sent to
 * any other origin.
 */
export const TOKEN_STORAGE_KEY = 'defectlab.token';
export const TOKEN_COOKIE = 'dl_token';

/** A token as the API issues it: "dl_" and at least 20 URL-safe characters. */
export const TOKEN_PATTERN = /^dl_[A-Za-z0-9_-]{20,}$/;

type Listener = () => void;
const listeners = new Set<Listener>();

export function readToken(): string | null {
  if (typeof window === 'undefined') return null;
  try {
    return window.localStorage.getItem(TOKEN_STORAGE_KEY);
  } catch {
    return null;
  }
}

export function writeToken(token: string | null): void {
  if (typeof window === 'undefined') return;
  if (token) {
    window.localStorage.setItem(TOKEN_STORAGE_KEY, token);
    document.cookie = `${TOKEN_COOKIE}=${encodeURIComponent(token)}; path=/; SameSite=Strict`;
  } else {
    window.localStorage.removeItem(TOKEN_STORAGE_KEY);
    document.cookie = `${TOKEN_COOKIE}=; path=/; SameSite=Strict; max-age=0`;
  }
  for (const l of listeners) l();
}

export function subscribeToken(listener: Listener): () => void {
  listeners.add(listener);
  const onStorage = (e: StorageEvent) => {
    if (e.key === TOKEN_STORAGE_KEY) listener();
  };
  window.addEventListener('storage', onStorage);
  return () => {
    listeners.delete(listener);
    window.removeEventListener('storage', onStorage);
  };
}
