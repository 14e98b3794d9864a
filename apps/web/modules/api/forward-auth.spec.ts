import { authorizationFor } from './forward-auth';

const TOKEN = 'dl_abcdefghijklmnopqrstuvwxyz';
const BLOB = `/api/blobs/${'a'.repeat(64)}`;
const ARTIFACT = '/api/artifacts/0b6f7c1e-8a57-4d8e-9d5e-8d7c2f1a9b3c/content';

describe('authorizationFor (the /api forwarder)', () => {
  it('keeps an Authorization header the browser sent', () => {
    expect(authorizationFor('POST', '/api/runs', 'Bearer x', TOKEN)).toBe('Bearer x');
  });

  it('uses the sign-in cookie only for GETs of image and artifact bytes', () => {
    expect(authorizationFor('GET', BLOB, null, TOKEN)).toBe(`Bearer ${TOKEN}`);
    expect(authorizationFor('GET', ARTIFACT, null, TOKEN)).toBe(`Bearer ${TOKEN}`);
    expect(authorizationFor('GET', '/api/runs', null, TOKEN)).toBeNull();
    expect(authorizationFor('POST', BLOB, null, TOKEN)).toBeNull();
    expect(authorizationFor('POST', '/api/versions/x/changes', null, TOKEN)).toBeNull();
  });

  it('ignores a cookie that is not a token', () => {
    expect(authorizationFor('GET', BLOB, null, 'dl_short')).toBeNull();
    expect(authorizationFor('GET', BLOB, null, undefined)).toBeNull();
  });
});
