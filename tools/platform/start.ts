/**
 * `npm start`: the platform on its embedded default. Starts the API on PGlite (or on PostgreSQL
 * when DATABASE_URL is set), one trainer worker as a child process, builds the web app when its
 * sources changed, serves it, and prints a short banner (URLs, the admin token, where data and the
 * log live, how to stop). The children's full output goes to `<data>/logs/defectlab.log`; the console
 * gets warnings, errors and the worker's lines (platform-log.ts). Ctrl-C stops everything.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync, type WriteStream } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { populateDemo } from './demo-population';
import { nodeVersionProblem } from './node-version';
import { adminTokenOf, banner, consoleText, showOnConsole, type Source } from './platform-log';

const ROOT = path.resolve(__dirname, '..', '..');
const WEB_DIR = path.join(ROOT, 'apps', 'web');
const API_PORT = Number(process.env['API_PORT'] ?? 3333);
const WEB_PORT = Number(process.env['WEB_PORT'] ?? 3000);
const HOST = process.env['DEFECTLAB_HOST'] ?? '127.0.0.1';
const NEXT_BIN = path.join(ROOT, 'node_modules', 'next', 'dist', 'bin', 'next');
const QUIET_ENV = { NEXT_TELEMETRY_DISABLED: '1', CHECKPOINT_DISABLE: '1', NX_NO_CLOUD: 'true' };

const children: ChildProcess[] = [];
const DATA_DIR = path.resolve(process.env['DEFECTLAB_DATA_DIR'] ?? path.join(ROOT, '.data'));
const LOG_FILE = path.join(DATA_DIR, 'logs', 'defectlab.log');
/** The user asked for a log level: then the console shows every log line, not only warnings. */
const EXPLICIT_LOG_LEVEL = process.env['LOG_LEVEL'] !== undefined && process.env['LOG_LEVEL'] !== '';
let logFile: WriteStream | null = null;
let newAdminToken: string | null = null;

function log(message: string): void {
  process.stderr.write(`[defectlab] ${message}\n`);
  logFile?.write(`[defectlab] ${message}\n`);
}

/** Every line of a child goes to the log file (but the admin token); the console gets what platform-log.ts lets through. */
function follow(child: ChildProcess, source: Source): void {
  for (const stream of [child.stdout, child.stderr]) {
    if (!stream) continue;
    createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => {
      const token = adminTokenOf(line);
      if (token) newAdminToken = token;
      else logFile?.write(`${source === 'api' || line.startsWith('{') || line.startsWith(`[${source}`) ? '' : `[${source}] `}${line}\n`);
      if (showOnConsole(source, line, EXPLICIT_LOG_LEVEL)) process.stderr.write(`${consoleText(source, line)}\n`);
    });
  }
}

/** Hash of everything the web build depends on, so a rebuild happens only after a change. */
function webSourceHash(): string {
  const hash = createHash('sha256');
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (entry.name === 'node_modules' || entry.name === '.next' || entry.name.startsWith('.')) continue;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else {
        hash.update(path.relative(ROOT, full));
        hash.update(readFileSync(full));
      }
    }
  };
  for (const dir of ['apps/web', 'libs/contracts/src', 'libs/metrics/src']) if (existsSync(path.join(ROOT, dir))) walk(path.join(ROOT, dir));
  hash.update(readFileSync(path.join(ROOT, 'package-lock.json')));
  return hash.digest('hex');
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv, source: Source, cwd = ROOT): ChildProcess {
  const child = spawn(command, args, { cwd, env: { ...process.env, ...QUIET_ENV, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  follow(child, source);
  return child;
}

async function buildWebIfNeeded(): Promise<void> {
  const stamp = path.join(WEB_DIR, '.next', 'defectlab-source-hash');
  const wanted = webSourceHash();
  if (existsSync(path.join(WEB_DIR, '.next', 'BUILD_ID')) && existsSync(stamp) && readFileSync(stamp, 'utf8') === wanted) {
    log('web app is up to date');
    return;
  }
  log('building the web app (first start or sources changed; about a minute)...');
  const t0 = Date.now();
  const code = await new Promise<number | null>((resolve) => run(process.execPath, [NEXT_BIN, 'build', WEB_DIR], {}, 'web').on('exit', resolve));
  if (code !== 0) throw new Error(`next build failed with exit code ${code} (its output is in ${LOG_FILE})`);
  log(`web app built in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  writeFileSync(stamp, wanted);
}

async function waitForHttp(url: string, what: string, child: ChildProcess, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${what} exited with code ${child.exitCode} before it answered`);
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`${what} did not answer at ${url} within ${timeoutMs / 1000} s`);
}

let stopping = false;

/**
 * Stops every child and exits once they have (at most 15 s): the API closes its database before `npm start`
 * returns, so whoever waits for it (a script, the e2e tests removing the data folder) finds the folder at rest,
 * and no child is left writing its log into a closed pipe.
 */
function stopAll(code: number): void {
  if (stopping) return;
  stopping = true;
  const running = children.filter((c) => c.exitCode === null && c.signalCode === null);
  for (const child of running) child.kill('SIGTERM');
  const exited = running.map((c) => new Promise<void>((resolve) => c.once('exit', () => resolve())));
  const deadline = new Promise<void>((resolve) => setTimeout(resolve, 15_000).unref());
  void Promise.race([Promise.all(exited), deadline]).then(() => {
    logFile?.end();
    process.exit(code);
  });
}

async function main(): Promise<void> {
  const tooOld = nodeVersionProblem(process.version);
  if (tooOld) {
    process.stderr.write(`${tooOld}\n`);
    process.exit(1);
  }
  process.on('SIGINT', () => stopAll(0));
  process.on('SIGTERM', () => stopAll(0));
  const started = Date.now();
  mkdirSync(path.dirname(LOG_FILE), { recursive: true });
  logFile = createWriteStream(LOG_FILE, { flags: 'a' });
  logFile.write(`\n[defectlab] npm start at ${new Date().toISOString()} (Node.js ${process.version})\n`);
  await buildWebIfNeeded();

  // fresh tokens per start for the embedded worker (role worker) and the demo population (role engineer):
  // the API registers them (apps/api/src/workers/embedded-worker-token.ts); DEFECTLAB_EMBEDDED_WORKER=0 runs no worker
  const embeddedWorker = process.env['DEFECTLAB_EMBEDDED_WORKER'] !== '0';
  const demo = embeddedWorker && process.env['DEFECTLAB_DEMO'] !== '0';
  const workerToken = `dl_${randomBytes(24).toString('base64url')}`;
  const demoToken = `dl_${randomBytes(24).toString('base64url')}`;
  const api = run(process.execPath, ['-r', path.join(ROOT, 'tools', 'scripts', 'register.cjs'), path.join(ROOT, 'apps', 'api', 'src', 'main.ts')], {
    API_PORT: String(API_PORT),
    API_HOST: HOST,
    ...(embeddedWorker ? { DEFECTLAB_EMBEDDED_WORKER_TOKEN: workerToken } : {}),
    ...(demo ? { DEFECTLAB_EMBEDDED_DEMO_TOKEN: demoToken } : {}),
  }, 'api');
  const apiUrl = `http://${HOST}:${API_PORT}`;
  await waitForHttp(`${apiUrl}/api/health`, 'the API', api);
  if (embeddedWorker) {
    const worker = run(process.execPath, ['-r', path.join(ROOT, 'tools', 'scripts', 'register.cjs'), path.join(ROOT, 'apps', 'trainer', 'src', 'worker.ts')], {
      DEFECTLAB_API_URL: apiUrl,
      DEFECTLAB_WORKER_TOKEN: workerToken,
      DEFECTLAB_WORKER_ID: `embedded-${process.pid}`,
    }, 'worker');
    // a worker that stops leaves the platform up (runs wait in the queue; the reaper retries a lost one)
    worker.on('exit', (code) => {
      if (!stopping) log(`the embedded trainer worker stopped (exit code ${code}); queued runs wait for a worker`);
    });
  }

  const web = run(process.execPath, [NEXT_BIN, 'start', WEB_DIR, '-H', HOST, '-p', String(WEB_PORT)], { DEFECTLAB_API_ORIGIN: apiUrl }, 'web');
  const webUrl = `http://${HOST}:${WEB_PORT}`;
  await waitForHttp(webUrl, 'the web app', web);

  for (const [name, child] of [['API', api], ['web app', web]] as const) {
    child.on('exit', (code) => {
      if (stopping) return;
      log(`the ${name} stopped (exit code ${code}); stopping the platform`);
      stopAll(code ?? 1);
    });
  }
  const database = process.env['DATABASE_URL'] ? 'PostgreSQL (DATABASE_URL)' : 'PGlite database in pglite/';
  process.stdout.write(
    banner({
      seconds: (Date.now() - started) / 1000,
      webUrl,
      apiUrl,
      database,
      dataDir: DATA_DIR,
      logFile: LOG_FILE,
      newAdminToken,
      adminTokenFromEnv: !!process.env['DEFECTLAB_ADMIN_TOKEN'],
      worker: embeddedWorker,
      demo,
    }),
  );
  // first start of a data folder: demo datasets and runs, in the background (tools/platform/demo-population.ts)
  if (demo) {
    populateDemo({ apiUrl, token: demoToken, adminToken: process.env['DEFECTLAB_ADMIN_TOKEN'] || newAdminToken || undefined, dataDir: DATA_DIR, queueRuns: true, log }).catch((e: unknown) => log(`demo: not populated: ${(e as Error).message}`));
  }
}

main().catch((err: unknown) => {
  log(`start failed: ${err instanceof Error ? err.message : String(err)}`);
  stopAll(1);
});
