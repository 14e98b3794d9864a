/**
 * Forwards the browser's `/api/*` requests to the NestJS API, so the browser talks to one origin
 * (no CORS, no API URL in the bundle). The target is read at run time from DEFECTLAB_API_ORIGIN,
 * unlike next.config rewrites, which are fixed when the app is built.
 */
import type { NextRequest } from 'next/server';
import { authorizationFor } from '../../../modules/api/forward-auth';

export const dynamic = 'force-dynamic';

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'host', 'content-length']);

function apiOrigin(): string {
  return process.env['DEFECTLAB_API_ORIGIN'] ?? 'http://127.0.0.1:3333';
}

async function forward(req: NextRequest): Promise<Response> {
  const target = new URL(req.nextUrl.pathname + req.nextUrl.search, apiOrigin());
  const headers = new Headers();
  req.headers.forEach((value, key) => {
    if (!HOP_BY_HOP.has(key.toLowerCase()) && key.toLowerCase() !== 'cookie') headers.set(key, value);
  });
  const auth = authorizationFor(req.method, req.nextUrl.pathname, req.headers.get('authorization'), req.cookies.get('dl_token')?.value);
  if (auth) headers.set('authorization', auth);
  const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
  try {
    const res = await fetch(target, {
      method: req.method,
      headers,
      body: hasBody ? req.body : undefined,
      redirect: 'manual',
      // required by Node's fetch when streaming a request body
      ...(hasBody ? { duplex: 'half' } : {}),
    } as RequestInit);
    const out = new Headers();
    res.headers.forEach((value, key) => {
      if (!HOP_BY_HOP.has(key.toLowerCase()) && key.toLowerCase() !== 'content-encoding') out.set(key, value);
    });
    return new Response(res.body, { status: res.status, headers: out });
  } catch (err) {
    return Response.json(
      { statusCode: 502, code: 'API_UNREACHABLE', message: `the web app could not reach the API at ${apiOrigin()}: ${(err as Error).message}` },
      { status: 502 },
    );
  }
}

export { forward as GET, forward as POST, forward as PUT, forward as PATCH, forward as DELETE };
