/**
 * `npm start`: the platform on its embedded default. Starts the API on PGlite (or on PostgreSQL
 * when DATABASE_URL is set), one trainer worker as a child process, builds the web app when its
 * sources changed, serves it, and prints the URLs. Ctrl-C stops everything.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { populateDemo } from './demo-population';

const ROOT = path.resolve(__dirname, '..', '..');
const WEB_DIR = path.join(ROOT, 'apps', 'web');
const API_PORT = Number(process.env['API_PORT'] ?? 3333);
const WEB_PORT = Number(process.env['WEB_PORT'] ?? 3000);
const HOST = process.env['DEFECTLAB_HOST'] ?? '127.0.0.1';
const NEXT_BIN = path.join(ROOT, 'node_modules', 'next', 'dist', 'bin', 'next');
const QUIET_ENV = { NEXT_TELEMETRY_DISABLED: '1', CHECKPOINT_DISABLE: '1', NX_NO_CLOUD: 'true' };

const children: ChildProcess[] = [];

function log(message: string): void {
  process.stderr.write(`[defectlab] ${message}\n`);
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

function run(command: string, args: string[], env: NodeJS.ProcessEnv, cwd = ROOT): ChildProcess {
  const child = spawn(command, args, { cwd, env: { ...process.env, ...QUIET_ENV, ...env }, stdio: ['ignore', 'inherit', 'inherit'] });
  children.push(child);
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
  const code = await new Promise<number | null>((resolve) => run(process.execPath, [NEXT_BIN, 'build', WEB_DIR], {}).on('exit', resolve));
  if (code !== 0) throw new Error(`next build failed with exit code ${code}`);
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

function stopAll(code: number): never {
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  process.exit(code);
}

async function main(): Promise<void> {
  process.on('SIGINT', () => stopAll(0));
  process.on('SIGTERM', () => stopAll(0));
  const started = Date.now();
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
  });
  const apiUrl = `http://${HOST}:${API_PORT}`;
  await waitForHttp(`${apiUrl}/api/health`, 'the API', api);
  if (embeddedWorker) {
    const worker = run(process.execPath, ['-r', path.join(ROOT, 'tools', 'scripts', 'register.cjs'), path.join(ROOT, 'apps', 'trainer', 'src', 'worker.ts')], {
      DEFECTLAB_API_URL: apiUrl,
      DEFECTLAB_WORKER_TOKEN: workerToken,
      DEFECTLAB_WORKER_ID: `embedded-${process.pid}`,
    });
    // a worker that stops leaves the platform up (runs wait in the queue; the reaper retries a lost one)
    worker.on('exit', (code) => log(`the embedded trainer worker stopped (exit code ${code}); queued runs wait for a worker`));
  }

  const web = run(process.execPath, [NEXT_BIN, 'start', WEB_DIR, '-H', HOST, '-p', String(WEB_PORT)], { DEFECTLAB_API_ORIGIN: apiUrl });
  const webUrl = `http://${HOST}:${WEB_PORT}`;
  await waitForHttp(webUrl, 'the web app', web);

  for (const [name, child] of [['API', api], ['web app', web]] as const) {
    child.on('exit', (code) => {
      log(`the ${name} stopped (exit code ${code}); stopping the platform`);
      stopAll(code ?? 1);
    });
  }
  const dataDir = path.resolve(process.env['DEFECTLAB_DATA_DIR'] ?? path.join(ROOT, '.data'));
  const database = process.env['DATABASE_URL'] ? 'PostgreSQL (DATABASE_URL)' : `PGlite (embedded, ${path.join(dataDir, 'pglite')})`;
  process.stdout.write(
    [
      '',
      `DefectLab is up (${((Date.now() - started) / 1000).toFixed(1)} s, database: ${database})`,
      `  web app   ${webUrl}`,
      `  API       ${apiUrl}/api`,
      `  health    ${apiUrl}/api/health`,
      `  OpenAPI   ${apiUrl}/api/openapi.json`,
      `  worker    ${embeddedWorker ? 'one embedded trainer worker' : 'none (DEFECTLAB_EMBEDDED_WORKER=0)'}`,
      'Press Ctrl-C to stop.',
      '',
    ].join('\n'),
  );
  // first start of a data folder: demo datasets and runs, in the background (tools/platform/demo-population.ts)
  if (demo) {
    populateDemo({ apiUrl, token: demoToken, adminToken: process.env['DEFECTLAB_ADMIN_TOKEN'], dataDir, queueRuns: true, log }).catch((e: unknown) => log(`demo: not populated: ${(e as Error).message}`));
  }
}

main().catch((err: unknown) => {
  log(`start failed: ${err instanceof Error ? err.message : String(err)}`);
  stopAll(1);
});
