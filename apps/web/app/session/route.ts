/**
 * The browser session (issue 16, item 1). POST `{ token }` (JSON, from a page of this origin): the token is
 * checked against the API's /api/auth/me and, when valid, kept in the HttpOnly cookie `dl_session` with its
 * CSRF token in `dl_csrf`; the answer is the API's `me`. DELETE (with the CSRF header) ends the session.
 * Page scripts never hold the token after sign-in.
 */
import type { NextRequest } from 'next/server';
import { ZMe } from '@defectlab/contracts';
import { CSRF_COOKIE, CSRF_HEADER, SESSION_COOKIE, TOKEN_PATTERN } from '../../modules/auth/lib/session-names';
import { clearedSessionCookies, forwardDecision, isHttps, sameOrigin, sessionCookies, sessionSecret } from '../../modules/auth/server/session-cookies';

export const dynamic = 'force-dynamic';

function apiOrigin(): string {
  return process.env['DEFECTLAB_API_ORIGIN'] ?? 'http://127.0.0.1:3333';
}

const refuse = (status: number, code: string, message: string) => Response.json({ statusCode: status, code, message }, { status });

function withCookies(res: Response, cookies: readonly string[]): Response {
  res.headers.set('cache-control', 'no-store');
  for (const c of cookies) res.headers.append('set-cookie', c);
  return res;
}

export async function POST(req: NextRequest): Promise<Response> {
  if (!sameOrigin(req.headers.get('origin'), req.headers.get('x-forwarded-host') ?? req.headers.get('host'))) return refuse(403, 'CROSS_ORIGIN', 'sign-in must come from a page of this web app');
  if (!(req.headers.get('content-type') ?? '').startsWith('application/json')) return refuse(415, 'UNSUPPORTED_MEDIA_TYPE', 'send { "token": "dl_..." } as application/json');
  const body = (await req.json().catch(() => null)) as { token?: unknown } | null;
  const token = typeof body?.token === 'string' ? body.token.trim() : '';
  if (!TOKEN_PATTERN.test(token)) return refuse(400, 'VALIDATION', 'a token starts with "dl_" followed by at least 20 letters, digits, "_" or "-"');
  let me: Response;
  try {
    me = await fetch(new URL('/api/auth/me', apiOrigin()), { headers: { authorization: `Bearer ${token}`, accept: 'application/json' } });
  } catch (err) {
    return refuse(502, 'API_UNREACHABLE', `the web app could not reach the API: ${(err as Error).message}`);
  }
  const text = await me.text();
  if (!me.ok) return new Response(text, { status: me.status, headers: { 'content-type': 'application/json' } });
  const secure = isHttps(req.nextUrl.protocol, req.headers.get('x-forwarded-proto'));
  return withCookies(Response.json(ZMe.parse(JSON.parse(text))), sessionCookies(token, sessionSecret(), secure));
}

export async function DELETE(req: NextRequest): Promise<Response> {
  if (!sameOrigin(req.headers.get('origin'), req.headers.get('x-forwarded-host') ?? req.headers.get('host'))) return refuse(403, 'CROSS_ORIGIN', 'sign-out must come from a page of this web app');
  const decision = forwardDecision(
    {
      method: 'DELETE',
      authorization: null,
      sessionCookie: req.cookies.get(SESSION_COOKIE)?.value,
      csrfCookie: req.cookies.get(CSRF_COOKIE)?.value,
      csrfHeader: req.headers.get(CSRF_HEADER),
    },
    sessionSecret(),
  );
  if (decision.kind === 'refuse') return refuse(decision.status, decision.code, decision.message);
  return withCookies(new Response(null, { status: 204 }), clearedSessionCookies(isHttps(req.nextUrl.protocol, req.headers.get('x-forwarded-proto'))));
}
