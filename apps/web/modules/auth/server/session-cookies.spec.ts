import fc from 'fast-check';
import { clearedSessionCookies, csrfTokenFor, forwardDecision, sameOrigin, sessionCookies, sessionSecret, type ForwardInput } from './session-cookies';

const SECRET = Buffer.from('a test secret of thirty-two bytes');
const TOKEN = 'dl_abcdefghijklmnopqrstuvwxyz';
const CSRF = csrfTokenFor(TOKEN, SECRET);
const base: ForwardInput = { method: 'POST', authorization: null, sessionCookie: TOKEN, csrfCookie: CSRF, csrfHeader: CSRF };

describe('forwardDecision (the /api forwarder)', () => {
  it('turns the session cookie into the Bearer header of a request with the right CSRF header', () => {
    expect(forwardDecision(base, SECRET)).toEqual({ kind: 'forward', authorization: `Bearer ${TOKEN}`, reissueCsrf: null });
  });

  it('refuses a state-changing request without the CSRF header, with a wrong one, or with a cookie-only forgery', () => {
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
      expect(forwardDecision({ ...base, method, csrfHeader: null }, SECRET)).toMatchObject({ kind: 'refuse', status: 403, code: 'CSRF_TOKEN_INVALID' });
      expect(forwardDecision({ ...base, method, csrfHeader: `${CSRF}x` }, SECRET).kind).toBe('refuse');
      // an attacker able to plant cookies (a sibling subdomain) but not to compute the HMAC
      expect(forwardDecision({ ...base, method, csrfCookie: 'forged', csrfHeader: 'forged' }, SECRET).kind).toBe('refuse');
    }
  });

  it('refuses any CSRF header but the HMAC of this session under this secret', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), (guess) => {
        fc.pre(guess !== CSRF);
        expect(forwardDecision({ ...base, csrfHeader: guess, csrfCookie: guess }, SECRET).kind).toBe('refuse');
      }),
    );
    expect(forwardDecision(base, Buffer.from('another secret')).kind).toBe('refuse');
  });

  it('lets safe methods through with the session, and re-issues a stale CSRF cookie', () => {
    expect(forwardDecision({ ...base, method: 'GET', csrfHeader: null }, SECRET)).toEqual({ kind: 'forward', authorization: `Bearer ${TOKEN}`, reissueCsrf: null });
    expect(forwardDecision({ ...base, method: 'GET', csrfHeader: null, csrfCookie: 'old' }, SECRET)).toEqual({ kind: 'forward', authorization: `Bearer ${TOKEN}`, reissueCsrf: CSRF });
  });

  it('forwards an explicit Authorization header as it is, and no session as no header', () => {
    expect(forwardDecision({ ...base, authorization: 'Bearer dl_other', csrfHeader: null }, SECRET)).toEqual({ kind: 'forward', authorization: 'Bearer dl_other', reissueCsrf: null });
    expect(forwardDecision({ ...base, sessionCookie: undefined, csrfHeader: null }, SECRET)).toEqual({ kind: 'forward', authorization: null, reissueCsrf: null });
    expect(forwardDecision({ ...base, sessionCookie: 'not a token' }, SECRET)).toEqual({ kind: 'forward', authorization: null, reissueCsrf: null });
  });
});

describe('session cookies', () => {
  it('keeps the token HttpOnly and SameSite=Strict; the CSRF cookie readable, also Strict', () => {
    const [session, csrf, legacy] = sessionCookies(TOKEN, SECRET, true);
    expect(legacy).toMatch(/^dl_token=; .*Max-Age=0/);
    expect(session).toMatch(new RegExp(`^dl_session=${TOKEN}; HttpOnly; Path=/; SameSite=Strict; Max-Age=\\d+; Secure$`));
    expect(csrf).toBe(`dl_csrf=${CSRF}; Path=/; SameSite=Strict; Max-Age=${/Max-Age=(\d+)/.exec(session)?.[1]}; Secure`);
    expect(sessionCookies(TOKEN, SECRET, false).some((c) => c.includes('Secure'))).toBe(false);
    expect(clearedSessionCookies(false).every((c) => c.includes('Max-Age=0'))).toBe(true);
  });

  it('uses DEFECTLAB_WEB_SESSION_SECRET when set, else one random secret per process', () => {
    expect(sessionSecret({ DEFECTLAB_WEB_SESSION_SECRET: 'configured' }).toString()).toBe('configured');
    expect(sessionSecret({})).toBe(sessionSecret({}));
    expect(sessionSecret({}).length).toBe(32);
  });

  it('accepts a session call only from a page of the same host', () => {
    expect(sameOrigin('http://127.0.0.1:3000', '127.0.0.1:3000')).toBe(true);
    expect(sameOrigin('http://evil.example', '127.0.0.1:3000')).toBe(false);
    expect(sameOrigin(null, '127.0.0.1:3000')).toBe(false);
    expect(sameOrigin('null', '127.0.0.1:3000')).toBe(false);
  });
});
