import path from 'node:path';
import type { NextConfig } from 'next';

/**
 * Headers of every web answer (pages, assets, the /api forwarder); issue 16, item 9. Kept here, not imported:
 * Next.js compiles this file alone. The per-page CSP comes from proxy.ts (modules/security/security-headers.ts).
 */
const SECURITY_HEADERS = [
  { key: 'X-Content-Type-Options', value: 'nosniff' },
  { key: 'X-Frame-Options', value: 'DENY' },
  { key: 'Referrer-Policy', value: 'no-referrer' },
  { key: 'Cross-Origin-Opener-Policy', value: 'same-origin' },
  { key: 'Permissions-Policy', value: 'camera=(), microphone=(), geolocation=()' },
];

const workspaceRoot = path.join(__dirname, '..', '..');

const nextConfig: NextConfig = {
  // libs/contracts and libs/metrics live outside this folder; they are compiled as part of the app.
  turbopack: { root: workspaceRoot },
  outputFileTracingRoot: workspaceRoot,
  // no X-Powered-By; nosniff, X-Frame-Options and Referrer-Policy on every answer (the CSP is set per page by proxy.ts)
  poweredByHeader: false,
  async headers() {
    return [{ source: '/:path*', headers: SECURITY_HEADERS }];
  },
};

export default nextConfig;
