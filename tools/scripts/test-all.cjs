#!/usr/bin/env node
// `npm test`: the whole suite, as CI runs it (.ci/run) and as the README tells a new user.
//   1. lint (incl. Nx module boundaries), typecheck and unit tests of every project;
//   2. integration tests against the real PostgreSQL (127.0.0.1:5432, database test) and PGlite;
//   3. end-to-end tests: the platform started by `npm start`, driven by headless Chromium.
// Prints one closing line "N passed, N failed, N skipped" summed over every jest run.
const { spawn, spawnSync } = require('node:child_process');
const { existsSync } = require('node:fs');
const net = require('node:net');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..');
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const ENV = {
  ...process.env,
  NX_DAEMON: 'false',
  NX_NO_CLOUD: 'true',
  NX_TUI: 'false',
  NX_SKIP_NX_CACHE: process.env.CI ? 'true' : process.env.NX_SKIP_NX_CACHE || '',
  NEXT_TELEMETRY_DISABLED: '1',
  CHECKPOINT_DISABLE: '1',
  FORCE_COLOR: '0',
};
const totals = { passed: 0, failed: 0, skipped: 0 };

function say(msg) {
  process.stdout.write(`\n=== ${msg}\n`);
}

function ensureChromium() {
  if (existsSync(CHROMIUM)) return;
  if (process.getuid && process.getuid() === 0 && existsSync('/usr/bin/apt-get')) {
    say('installing Debian chromium for the browser tests (apt-get)');
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
    const r = spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'chromium'], { stdio: 'inherit', env });
    if (r.status === 0 && existsSync(CHROMIUM)) return;
  }
  console.error(`Chromium is missing at ${CHROMIUM}: install it (apt-get install -y --no-install-recommends chromium) or set CHROMIUM_PATH`);
  process.exit(1);
}

function postgresReachable() {
  return new Promise((resolve) => {
    const socket = net.connect(5432, '127.0.0.1');
    socket.setTimeout(2000);
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => (socket.destroy(), resolve(false)));
  });
}

async function ensurePostgres() {
  if (process.env.TEST_DATABASE_URL || (await postgresReachable())) return;
  if (existsSync('/usr/bin/pg_ctlcluster') && existsSync('/etc/postgresql')) {
    say('starting the local PostgreSQL cluster');
    const version = require('node:fs').readdirSync('/etc/postgresql')[0];
    spawnSync('pg_ctlcluster', ['--skip-systemctl-redirect', version, 'main', 'start'], { stdio: 'inherit' });
    for (let i = 0; i < 20 && !(await postgresReachable()); i++) await new Promise((r) => setTimeout(r, 500));
  }
  if (!(await postgresReachable())) {
    console.error('PostgreSQL is not reachable at 127.0.0.1:5432 (user postgres, trust auth, database test); set TEST_DATABASE_URL to use another server');
    process.exit(1);
  }
}

/** Runs one nx command, echoing its output and adding up jest's "Tests:" lines. */
function nx(args) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'node_modules', 'nx', 'dist', 'bin', 'nx.js'), ...args, '--outputStyle=static'], { cwd: ROOT, env: ENV });
    let pending = '';
    const onData = (chunk, stream) => {
      stream.write(chunk);
      pending += chunk.toString();
      const lines = pending.split('\n');
      pending = lines.pop();
      for (const line of lines) {
        const m = /^\s*(?:\S+\s+)?Tests:\s+(.*\d+ total)/.exec(line.replace(/\x1b\[[0-9;]*m/g, ''));
        if (!m) continue;
        for (const [, n, kind] of m[1].matchAll(/(\d+) (passed|failed|skipped|todo)/g)) {
          totals[kind === 'todo' ? 'skipped' : kind] += Number(n);
        }
      }
    };
    child.stdout.on('data', (c) => onData(c, process.stdout));
    child.stderr.on('data', (c) => onData(c, process.stderr));
    child.on('exit', (code) => resolve(code ?? 1));
  });
}

async function main() {
  const started = Date.now();
  ensureChromium();
  await ensurePostgres();
  const steps = [
    ['lint, typecheck and unit tests', ['run-many', '-t', 'lint', 'typecheck', 'test', '--parallel=2']],
    ['integration tests (PostgreSQL and PGlite)', ['run-many', '-t', 'test:integration', '--parallel=1']],
    ['end-to-end tests (npm start + headless Chromium)', ['run', 'e2e:e2e']],
  ];
  let failedStep = null;
  for (const [name, args] of steps) {
    say(name);
    const code = await nx(args);
    if (code !== 0) {
      failedStep = name;
      break;
    }
  }
  say(`finished in ${((Date.now() - started) / 60000).toFixed(1)} min${failedStep ? `; FAILED at: ${failedStep}` : ''}`);
  if (failedStep && totals.failed === 0) totals.failed = 1; // a failing lint/typecheck step counts as a failure
  process.stdout.write(`${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped\n`);
  process.exit(failedStep ? 1 : 0);
}

main();
