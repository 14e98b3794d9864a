import type { RequestHandler } from 'express';
import helmet from 'helmet';

/**
 * The API's Content-Security-Policy: it answers JSON and bytes only, never a page, so nothing may load, run or
 * frame it, and a response a browser renders anyway does so in a sandbox (an opaque origin without scripts).
 */
export const API_CONTENT_SECURITY_POLICY = "default-src 'none'; frame-ancestors 'none'; sandbox";

/**
 * The security headers of every API answer (issue 16, item 9), by helmet rather than by hand: nosniff,
 * X-Frame-Options DENY and frame-ancestors 'none', Referrer-Policy no-referrer, the CSP above, and no
 * X-Powered-By (helmet removes it; main.ts/app.factory.ts also turn Express's off).
 */
export function securityHeaders(): RequestHandler {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"], sandbox: [] },
    },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    xContentTypeOptions: true,
    xPoweredBy: true,
  });
}
