/**
 * Next.js 16's request proxy (formerly middleware): every page gets a Content-Security-Policy with a fresh
 * nonce (modules/security/security-headers.ts). Next.js reads the nonce from the request's CSP header and puts
 * it on its own scripts, so pages must render per request (app/layout.tsx is dynamic).
 */
import { NextResponse, type NextRequest } from 'next/server';
import { contentSecurityPolicy, newNonce } from './modules/security/security-headers';

export function proxy(request: NextRequest): NextResponse {
  const nonce = newNonce();
  const csp = contentSecurityPolicy(nonce, process.env.NODE_ENV === 'development');
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set('x-nonce', nonce);
  requestHeaders.set('Content-Security-Policy', csp);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set('Content-Security-Policy', csp);
  return response;
}

export const config = {
  matcher: [
    // pages only: /api answers carry the API's own (stricter) policy, static files need none
    {
      source: '/((?!api/|_next/static|_next/image|favicon.ico).*)',
      missing: [
        { type: 'header', key: 'next-router-prefetch' },
        { type: 'header', key: 'purpose', value: 'prefetch' },
      ],
    },
  ],
};
