/** GETs of image bytes, which an <img> element cannot authorise with a header. */
const COOKIE_AUTH_PATHS = [/^\/api\/blobs\/[0-9a-f]{64}$/, /^\/api\/artifacts\/[0-9a-f-]{36}\/content$/];

/**
 * The Authorization header to send: the request's own, or, for a GET of image bytes only, the
 * signed-in token from the same-site `dl_token` cookie (set by the web app's sign-in). Limiting
 * the cookie to read-only image GETs keeps it from authorising anything a cross-site form could do.
 */
export function authorizationFor(method: string, pathname: string, header: string | null, cookieToken: string | undefined): string | null {
  if (header) return header;
  if (method !== 'GET' || !cookieToken || !COOKIE_AUTH_PATHS.some((re) => re.test(pathname))) return null;
  return /^dl_[A-Za-z0-9_-]{20,}$/.test(cookieToken) ? `Bearer ${cookieToken}` : null;
}
