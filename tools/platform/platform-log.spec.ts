import { adminTokenOf, banner, consoleText, parseLine, showOnConsole } from './platform-log';

const json = (level: number, msg: string) => JSON.stringify({ level, time: '2026-01-01T00:00:00.000Z', service: 'defectlab-api', msg });

describe('what npm start shows', () => {
  it('keeps info and debug JSON lines (requests, claim polls) off the console unless LOG_LEVEL asks', () => {
    expect(showOnConsole('api', json(20, 'request'), false)).toBe(false);
    expect(showOnConsole('api', json(30, 'database ready'), false)).toBe(false);
    expect(showOnConsole('api', json(40, 'slow query'), false)).toBe(true);
    expect(showOnConsole('api', json(50, 'boom'), false)).toBe(true);
    expect(showOnConsole('api', json(30, 'database ready'), true)).toBe(true);
    expect(consoleText('api', json(40, 'slow query'))).toBe('[api] warn: slow query');
  });

  it('never echoes the admin token line (the banner shows it) and drops the web server chatter', () => {
    const line = 'Admin token (shown once): dl_abcDEF123_-x';
    expect(adminTokenOf(line)).toBe('dl_abcDEF123_-x');
    expect(showOnConsole('api', line, true)).toBe(false);
    expect(showOnConsole('web', '✓ Ready in 288ms', false)).toBe(false);
    expect(showOnConsole('worker', '[worker 16:18:39] worker embedded-1 ready', false)).toBe(true);
    expect(consoleText('worker', '[worker 16:18:39] ready')).toBe('[worker 16:18:39] ready');
    expect(parseLine('{not json').json).toBe(false);
  });

  it('prints a short banner with the URLs, the token, where data and the log live, and how to stop', () => {
    const text = banner({
      seconds: 12.34,
      webUrl: 'http://127.0.0.1:3000',
      apiUrl: 'http://127.0.0.1:3333',
      database: 'PGlite',
      dataDir: '/srv/dl/.data',
      logFile: '/srv/dl/.data/logs/defectlab.log',
      newAdminToken: 'dl_tok',
      adminTokenFromEnv: false,
      worker: true,
      demo: true,
    });
    expect(text).toContain('DefectLab is up (12.3 s)');
    expect(text).toContain('http://127.0.0.1:3000');
    expect(text).toContain('http://127.0.0.1:3333/api/health');
    expect(text).toContain('dl_tok');
    expect(text).toContain('/srv/dl/.data/logs/defectlab.log');
    expect(text).toContain('Ctrl-C');
    expect(text.split('\n').length).toBeLessThanOrEqual(14);
  });
});
