/**
 * The web app's security headers (issue 16, items 1 and 9). The Content-Security-Policy carries a fresh nonce
 * per page (proxy.ts): Next.js puts it on its own scripts, and no other script runs, inline or injected.
 * Styles may be inline (React's style attributes; styles cannot run code). Nothing may frame the app.
 * The headers every answer carries (nosniff, X-Frame-Options, Referrer-Policy) are in next.config.ts.
 */
export function contentSecurityPolicy(nonce: string, dev = false): string {
  return [
    "default-src 'self'",
    // 'strict-dynamic': scripts the nonced Next.js runtime loads are trusted; 'unsafe-eval' only for `next dev`
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ''}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' blob: data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}


/** A fresh nonce: 16 random bytes, base64. */
export function newNonce(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return btoa(String.fromCharCode(...bytes));
}
