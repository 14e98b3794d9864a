import { redactServerPaths, type ServerPath } from './redact-server-paths';

describe('redactServerPaths', () => {
  const paths: ServerPath[] = [
    { path: '/srv/dl/data/artifacts', label: '<artifact store>' },
    { path: '/srv/dl/data', label: '<data dir>' },
    { path: '/tmp', label: '<tmp>' },
  ];

  it('replaces every server folder by its placeholder, the innermost folder first', () => {
    expect(redactServerPaths('ENOENT: open /srv/dl/data/artifacts/ab/cd and /srv/dl/data/x', paths)).toBe('ENOENT: open <artifact store>/ab/cd and <data dir>/x');
    expect(redactServerPaths('mkdtemp /tmp/defectlab-upload-1 failed', paths)).toBe('mkdtemp <tmp>/defectlab-upload-1 failed');
  });

  it('leaves messages without server folders alone', () => {
    expect(redactServerPaths('Cannot GET /api/no-such-thing', paths)).toBe('Cannot GET /api/no-such-thing');
  });
});
