/**
 * The web server's side of the browser session: the CSRF token of a session, its check, and the cookies
 * that start and end a session. Server-only (node:crypto); names in ../lib/session-names.ts.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { CSRF_COOKIE, CSRF_HEADER, SAFE_METHODS, SESSION_COOKIE, TOKEN_PATTERN } from '../lib/session-names';

/** How long a browser session lasts (the API token itself lives until it is revoked). */
export const SESSION_MAX_AGE_S = 7 * 24 * 3600;

const SECRET_KEY = Symbol.for('defectlab.web.sessionSecret');

/**
 * The key of the CSRF HMAC: DEFECTLAB_WEB_SESSION_SECRET (set it when several web processes serve one site),
 * else random per process, kept on globalThis so every route bundle of this process shares it. After a restart
 * the old CSRF cookie no longer matches; the forwarder re-issues it on the next GET (see `forwardDecision`).
 */
export function sessionSecret(env: Readonly<Record<string, string | undefined>> = process.env): Buffer {
  const configured = env['DEFECTLAB_WEB_SESSION_SECRET'];
  if (configured) return Buffer.from(configured, 'utf8');
  const g = globalThis as unknown as Record<symbol, Buffer | undefined>;
  return (g[SECRET_KEY] ??= randomBytes(32));
}

/** The CSRF token of a session: HMAC-SHA256(secret, session token), base64url. */
export function csrfTokenFor(sessionToken: string, secret: Buffer): string {
  return createHmac('sha256', secret).update(sessionToken).digest('base64url');
}

/** True when the request reached this web app over https (directly or through a TLS-terminating proxy). */
export function isHttps(protocol: string, forwardedProto: string | null): boolean {
  return protocol === 'https:' || forwardedProto?.split(',')[0]?.trim() === 'https';
}

function sameText(a: string, b: string): boolean {
  const [x, y] = [Buffer.from(a), Buffer.from(b)];
  return x.length === y.length && timingSafeEqual(x, y);
}

export interface ForwardInput {
  readonly method: string;
  /** The Authorization header the request brought itself (a script or CLI with its own token). */
  readonly authorization: string | null;
  readonly sessionCookie: string | undefined;
  readonly csrfCookie: string | undefined;
  readonly csrfHeader: string | null;
}

export type ForwardDecision =
  | { readonly kind: 'forward'; readonly authorization: string | null; readonly reissueCsrf: string | null }
  | { readonly kind: 'refuse'; readonly status: 403; readonly code: 'CSRF_TOKEN_INVALID'; readonly message: string };

/**
 * What the `/api` forwarder does with a request: an explicit Authorization header goes through as it is (a
 * cross-site page cannot set one without a CORS preflight, which this origin never grants); else the session
 * cookie becomes the Bearer header, and a state-changing request must bring `x-csrf-token` equal to both the
 * `dl_csrf` cookie and the HMAC of the session, or it is refused before it reaches the API. A safe request
 * whose CSRF cookie is stale (the secret changed) gets a fresh one.
 */
export function forwardDecision(input: ForwardInput, secret: Buffer): ForwardDecision {
  if (input.authorization) return { kind: 'forward', authorization: input.authorization, reissueCsrf: null };
  const session = input.sessionCookie && TOKEN_PATTERN.test(input.sessionCookie) ? input.sessionCookie : null;
  if (!session) return { kind: 'forward', authorization: null, reissueCsrf: null };
  const expected = csrfTokenFor(session, secret);
  if (SAFE_METHODS.has(input.method.toUpperCase())) {
    return { kind: 'forward', authorization: `Bearer ${session}`, reissueCsrf: input.csrfCookie === expected ? null : expected };
  }
  const header = input.csrfHeader ?? '';
  if (!header || !input.csrfCookie || !sameText(header, input.csrfCookie) || !sameText(header, expected)) {
    return { kind: 'refuse', status: 403, code: 'CSRF_TOKEN_INVALID', message: `a state-changing request needs the ${CSRF_HEADER} header of this session (reload the page)` };
  }
  return { kind: 'forward', authorization: `Bearer ${session}`, reissueCsrf: null };
}

/** `Set-Cookie` values that start a session: the token (HttpOnly) and its CSRF token (readable by this origin's scripts). */
export function sessionCookies(sessionToken: string, secret: Buffer, secure: boolean): string[] {
  const common = `Path=/; SameSite=Strict; Max-Age=${SESSION_MAX_AGE_S}${secure ? '; Secure' : ''}`;
  return [
    `${SESSION_COOKIE}=${sessionToken}; HttpOnly; ${common}`,
    csrfCookie(csrfTokenFor(sessionToken, secret), secure),
    // the script-readable token cookie of before issue 16
    `dl_token=; Path=/; SameSite=Strict; Max-Age=0${secure ? '; Secure' : ''}`,
  ];
}

/** The readable CSRF cookie alone (issued at sign-in, re-issued when stale). */
export function csrfCookie(csrfToken: string, secure: boolean): string {
  return `${CSRF_COOKIE}=${csrfToken}; Path=/; SameSite=Strict; Max-Age=${SESSION_MAX_AGE_S}${secure ? '; Secure' : ''}`;
}

/** `Set-Cookie` values that end a session (and clear the pre-issue-16 `dl_token` cookie). */
export function clearedSessionCookies(secure: boolean): string[] {
  const gone = `Path=/; SameSite=Strict; Max-Age=0${secure ? '; Secure' : ''}`;
  return [`${SESSION_COOKIE}=; HttpOnly; ${gone}`, `${CSRF_COOKIE}=; ${gone}`, `dl_token=; ${gone}`];
}

/**
 * True when a request to the session route comes from a page of this web app: its Origin (browsers send it on
 * every POST and DELETE) names the host the request was sent to. Blocks login CSRF (an attacker's page signing
 * the victim in with the attacker's token).
 */
export function sameOrigin(originHeader: string | null, hostHeader: string | null): boolean {
  if (!originHeader || !hostHeader) return false;
  try {
    return new URL(originHeader).host === hostHeader;
  } catch {
    return false;
  }
}
