import { requestHeaders } from './request-headers';

/**
 * The web app's one fetch: same-origin credentials (the HttpOnly session cookie goes along, to this origin only)
 * plus `requestHeaders` (the CSRF header on state-changing methods). The typed API client, the session calls and
 * uploads all go through it, so none can forget the CSRF header.
 */
export const webFetch: typeof fetch = (input, init = {}) => {
  const method = init.method ?? (input instanceof Request ? input.method : 'GET');
  const headers = new Headers(init.headers ?? (input instanceof Request ? input.headers : undefined));
  for (const [k, v] of Object.entries(requestHeaders(method))) if (!headers.has(k)) headers.set(k, v);
  return fetch(input, { ...init, method, headers, credentials: 'same-origin' });
};
