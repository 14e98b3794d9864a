import { cookieValue, requestHeaders } from './request-headers';

describe('requestHeaders (every browser request of the web app)', () => {
  const cookies = 'theme=dark; dl_csrf=abc%2Bdef; other=1';

  it('adds the CSRF cookie as x-csrf-token to state-changing methods only', () => {
    for (const m of ['POST', 'put', 'PATCH', 'DELETE']) expect(requestHeaders(m, cookies)).toEqual({ 'x-csrf-token': 'abc+def' });
    for (const m of ['GET', 'HEAD', 'OPTIONS']) expect(requestHeaders(m, cookies)).toEqual({});
  });

  it('adds nothing without a session', () => {
    expect(requestHeaders('POST', 'theme=dark')).toEqual({});
    expect(cookieValue('', 'dl_csrf')).toBeNull();
    expect(cookieValue('xdl_csrf=1', 'dl_csrf')).toBeNull();
  });
});
