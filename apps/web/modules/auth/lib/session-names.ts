/**
 * Names shared by the browser code and the web server's session code (no Node imports here).
 *
 * The browser session (issue 16, item 1): the API token lives in the HttpOnly, SameSite=Strict cookie
 * `dl_session`, which page scripts cannot read; the web app's `/api` forwarder turns it into the API's
 * Bearer header. State-changing requests must also carry `x-csrf-token` equal to the readable cookie
 * `dl_csrf`, an HMAC of the session that only the web server can compute (double-submit).
 */
export const SESSION_COOKIE = 'dl_session';
export const CSRF_COOKIE = 'dl_csrf';
export const CSRF_HEADER = 'x-csrf-token';
/** The web route that starts (POST, JSON `{ token }`) and ends (DELETE) the browser session. */
export const SESSION_PATH = '/session';

/** A token as the API issues it: "dl_" and at least 20 URL-safe characters. */
export const TOKEN_PATTERN = /^dl_[A-Za-z0-9_-]{20,}$/;

/** Methods that change nothing and so need no CSRF header. */
export const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS']);
