/**
 * What `npm start` shows and what it only writes to its log file. Every line the API, the worker and the web
 * server print goes to `<data>/logs/defectlab.log`; the console gets a short banner and only the lines a person
 * should see: warnings and errors, the worker's own lines, and everything when LOG_LEVEL asks for it.
 */

/** pino's numeric levels. */
const LEVELS: Record<string, number> = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60 };

export interface ParsedLine {
  readonly level: number | null;
  readonly msg: string;
  readonly json: boolean;
}

/** A child's output line: a pino JSON line (level and message) or plain text. */
export function parseLine(line: string): ParsedLine {
  if (line.startsWith('{')) {
    try {
      const o = JSON.parse(line) as { level?: number | string; msg?: unknown };
      const level = typeof o.level === 'number' ? o.level : typeof o.level === 'string' ? (LEVELS[o.level] ?? null) : null;
      return { level, msg: typeof o.msg === 'string' ? o.msg : line, json: true };
    } catch {
      // not JSON after all
    }
  }
  return { level: null, msg: line, json: false };
}

/** The line the API prints once when it creates the first admin. */
const ADMIN_TOKEN_LINE = /^Admin token \(shown once\): (dl_\S+)$/;

export function adminTokenOf(line: string): string | null {
  return ADMIN_TOKEN_LINE.exec(line.trim())?.[1] ?? null;
}

export type Source = 'api' | 'worker' | 'web';

/**
 * Whether a child's line is shown on the console: JSON log lines at warn or above (all of them when the user
 * set LOG_LEVEL); the worker's plain lines (a run taken, finished, failed); nothing of the web server's but its
 * errors. The admin token line is never echoed here: the banner shows it.
 */
export function showOnConsole(source: Source, line: string, explicitLogLevel: boolean): boolean {
  if (adminTokenOf(line)) return false;
  const p = parseLine(line);
  if (p.json) return explicitLogLevel || (p.level ?? 0) >= LEVELS['warn'];
  if (line.trim() === '') return false;
  if (source === 'worker') return !/node backend|^=+$/.test(line);
  if (source === 'web') return /error/i.test(line);
  return explicitLogLevel;
}

/** A JSON line shortened for the console ("[api] warn: message"). */
export function consoleText(source: Source, line: string): string {
  const p = parseLine(line);
  if (!p.json) return line.startsWith(`[${source}`) ? line : `[${source}] ${line}`;
  const name = Object.entries(LEVELS).find(([, v]) => v === p.level)?.[0] ?? 'log';
  return `[${source}] ${name}: ${p.msg}`;
}

export interface BannerFacts {
  readonly seconds: number;
  readonly webUrl: string;
  readonly apiUrl: string;
  readonly database: string;
  readonly dataDir: string;
  readonly logFile: string;
  /** The token printed once at this folder's first start, if it happened now. */
  readonly newAdminToken: string | null;
  /** DEFECTLAB_ADMIN_TOKEN was set. */
  readonly adminTokenFromEnv: boolean;
  readonly worker: boolean;
  readonly demo: boolean;
}

/** The short human banner `npm start` prints once everything answers. */
export function banner(f: BannerFacts): string {
  const token = f.newAdminToken
    ? `${f.newAdminToken}   (shown once: keep it; it signs you in as admin)`
    : f.adminTokenFromEnv
      ? 'the one in DEFECTLAB_ADMIN_TOKEN'
      : 'the one printed at the first start of this data folder (lost? start with DEFECTLAB_ADMIN_TOKEN=dl_<random> to add one)';
  return [
    '',
    `DefectLab is up (${f.seconds.toFixed(1)} s)`,
    '',
    `  Open         ${f.webUrl}   and sign in with the admin token`,
    `  Admin token  ${token}`,
    `  API          ${f.apiUrl}/api   (health ${f.apiUrl}/api/health, OpenAPI ${f.apiUrl}/api/openapi.json)`,
    `  Data         ${f.dataDir}   (${f.database}, images and models; delete the folder to start afresh)`,
    `  Log          ${f.logFile}   (request logs too with LOG_LEVEL=debug)`,
    `  Worker       ${f.worker ? 'one embedded trainer worker' : 'none (DEFECTLAB_EMBEDDED_WORKER=0)'}${f.demo ? '; demo datasets and runs are being prepared in the background' : ''}`,
    '  Stop         Ctrl-C',
    '',
  ].join('\n');
}
