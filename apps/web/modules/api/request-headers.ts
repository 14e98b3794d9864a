import { CSRF_COOKIE, CSRF_HEADER, SAFE_METHODS } from '../auth/lib/session-names';

/** The value of cookie `name` in a `document.cookie` string, or null. */
export function cookieValue(cookies: string, name: string): string | null {
  for (const part of cookies.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return null;
}

/**
 * The headers every browser request to this origin adds: for a state-changing method, the session's CSRF token
 * (from the readable `dl_csrf` cookie) as `x-csrf-token`, which the `/api` forwarder requires. Anything that
 * sends a request without the typed client (an upload with progress through XMLHttpRequest, say) must add these.
 */
export function requestHeaders(method: string, cookies: string = typeof document === 'undefined' ? '' : document.cookie): Record<string, string> {
  if (SAFE_METHODS.has(method.toUpperCase())) return {};
  const csrf = cookieValue(cookies, CSRF_COOKIE);
  return csrf ? { [CSRF_HEADER]: csrf } : {};
}
