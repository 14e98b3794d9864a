/**
 * Forwards the browser's `/api/*` requests to the NestJS API, so the browser talks to one origin
 * (no CORS, no API URL in the bundle). The target is read at run time from DEFECTLAB_API_ORIGIN,
 * unlike next.config rewrites, which are fixed when the app is built. The session cookie becomes the
 * Bearer header, and a state-changing request without this session's CSRF header is refused here
 * (modules/auth/server/session-cookies.ts).
 */
import type { NextRequest } from 'next/server';
import { CSRF_COOKIE, CSRF_HEADER, SESSION_COOKIE } from '../../../modules/auth/lib/session-names';
import { csrfCookie, forwardDecision, isHttps, sessionSecret } from '../../../modules/auth/server/session-cookies';

export const dynamic = 'force-dynamic';

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'host', 'content-length']);
/** Request headers the API has no business seeing: the browser's cookies and the web's own CSRF header. */
const NOT_FORWARDED = new Set(['cookie', CSRF_HEADER]);

function apiOrigin(): string {
  return process.env['DEFECTLAB_API_ORIGIN'] ?? 'http://127.0.0.1:3333';
}

async function forward(req: NextRequest): Promise<Response> {
  const decision = forwardDecision(
    {
      method: req.method,
      authorization: req.headers.get('authorization'),
      sessionCookie: req.cookies.get(SESSION_COOKIE)?.value,
      csrfCookie: req.cookies.get(CSRF_COOKIE)?.value,
      csrfHeader: req.headers.get(CSRF_HEADER),
    },
    sessionSecret(),
  );
  if (decision.kind === 'refuse') {
    return Response.json({ statusCode: decision.status, code: decision.code, message: decision.message }, { status: decision.status });
  }
  const target = new URL(req.nextUrl.pathname + req.nextUrl.search, apiOrigin());
  const headers = new Headers();
  req.headers.forEach((value, key) => {
    const k = key.toLowerCase();
    if (!HOP_BY_HOP.has(k) && !NOT_FORWARDED.has(k) && k !== 'authorization') headers.set(key, value);
  });
  if (decision.authorization) headers.set('authorization', decision.authorization);
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
      const k = key.toLowerCase();
      if (!HOP_BY_HOP.has(k) && k !== 'content-encoding' && k !== 'set-cookie') out.set(key, value);
    });
    if (decision.reissueCsrf) out.append('set-cookie', csrfCookie(decision.reissueCsrf, isHttps(req.nextUrl.protocol, req.headers.get('x-forwarded-proto'))));
    return new Response(res.body, { status: res.status, headers: out });
  } catch (err) {
    return Response.json(
      { statusCode: 502, code: 'API_UNREACHABLE', message: `the web app could not reach the API at ${apiOrigin()}: ${(err as Error).message}` },
      { status: 502 },
    );
  }
}

export { forward as GET, forward as POST, forward as PUT, forward as PATCH, forward as DELETE };
