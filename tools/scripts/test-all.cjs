#!/usr/bin/env node
// `npm test`: the whole suite, as CI runs it (.ci/run) and as the README tells a new user.
//   1. lint (incl. Nx module boundaries), typecheck and unit tests of every project;
//   2. integration tests against the real PostgreSQL (127.0.0.1:5432, database test) and PGlite;
//   3. end-to-end tests: the platform started by `npm start`, driven by headless Chromium.
// Every step runs even when an earlier one failed (a flaky unit test must not hide the integration
// and e2e results); the end lists every failed step, task and test, and the exit code is non-zero
// if anything failed. The closing line is "N passed, N failed, N skipped" summed over every jest run.
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
function say(msg) {
  process.stdout.write(`\n=== ${msg}\n`);
}

/** True when Chromium is there (installed with apt when missing and we are root). */
function ensureChromium() {
  if (existsSync(CHROMIUM)) return true;
  if (process.getuid && process.getuid() === 0 && existsSync('/usr/bin/apt-get')) {
    say('installing Debian chromium for the browser tests (apt-get)');
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
    const r = spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'chromium'], { stdio: 'inherit', env });
    if (r.status === 0 && existsSync(CHROMIUM)) return true;
  }
  console.error(`Chromium is missing at ${CHROMIUM}: install it (apt-get install -y --no-install-recommends chromium) or set CHROMIUM_PATH`);
  return false;
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

/** True when the test PostgreSQL answers (the local cluster is started when it does not). */
async function ensurePostgres() {
  if (process.env.TEST_DATABASE_URL || (await postgresReachable())) return true;
  if (existsSync('/usr/bin/pg_ctlcluster') && existsSync('/etc/postgresql')) {
    say('starting the local PostgreSQL cluster');
    const version = require('node:fs').readdirSync('/etc/postgresql')[0];
    spawnSync('pg_ctlcluster', ['--skip-systemctl-redirect', version, 'main', 'start'], { stdio: 'inherit' });
    for (let i = 0; i < 20 && !(await postgresReachable()); i++) await new Promise((r) => setTimeout(r, 500));
  }
  if (await postgresReachable()) return true;
  console.error('PostgreSQL is not reachable at 127.0.0.1:5432 (user postgres, trust auth, database test); set TEST_DATABASE_URL to use another server');
  return false;
}

/**
 * Runs one nx command, echoing its output, adding up jest's "Tests:" lines and collecting what
 * failed: nx's failed tasks and jest's failing spec files and tests.
 * @returns the exit code, the jest tests counted and the failures seen
 */
function nx(args) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'node_modules', 'nx', 'dist', 'bin', 'nx.js'), ...args, '--outputStyle=static'], { cwd: ROOT, env: ENV });
    const counted = { passed: 0, failed: 0, skipped: 0 };
    const failures = new Set();
    let inFailedTasks = false;
    let pending = '';
    const onData = (chunk, stream) => {
      stream.write(chunk);
      pending += chunk.toString();
      const lines = pending.split('\n');
      pending = lines.pop();
      for (const raw of lines) {
        const line = raw.replace(/\x1b\[[0-9;]*m/g, '');
        const tests = /^\s*(?:\S+\s+)?Tests:\s+(.*\d+ total)/.exec(line);
        if (tests) {
          for (const [, n, kind] of tests[1].matchAll(/(\d+) (passed|failed|skipped|todo)/g)) counted[kind === 'todo' ? 'skipped' : kind] += Number(n);
        }
        const spec = /^\s*(?:\S+\s+)?FAIL\s+(.+\.(?:spec|integration-spec|e2e-spec)\.tsx?)/.exec(line);
        if (spec) failures.add(`FAIL ${spec[1].trim()}`);
        const test = /^\s*(?:\S+\s+)?● (.+)$/.exec(line);
        if (test && test[1].trim() !== 'Console') failures.add(`  ● ${test[1].trim()}`);
        if (/Failed tasks:/.test(line)) inFailedTasks = true;
        else if (inFailedTasks && /^\s*- \S+/.test(line)) failures.add(`task ${line.trim().slice(2)}`);
        else if (inFailedTasks && line.trim() !== '') inFailedTasks = false;
      }
    };
    child.stdout.on('data', (c) => onData(c, process.stdout));
    child.stderr.on('data', (c) => onData(c, process.stderr));
    child.on('exit', (code) => resolve({ code: code ?? 1, counted, failures: [...failures] }));
  });
}

async function main() {
  const started = Date.now();
  const haveChromium = ensureChromium();
  const havePostgres = await ensurePostgres();
  const steps = [
    { name: 'lint, typecheck and unit tests', args: ['run-many', '-t', 'lint', 'typecheck', 'test', '--parallel=2'] },
    {
      name: 'integration tests (PostgreSQL and PGlite)',
      args: ['run-many', '-t', 'test:integration', '--parallel=1'],
      missing: havePostgres ? null : 'PostgreSQL is not reachable',
    },
    { name: 'end-to-end tests (npm start + headless Chromium)', args: ['run', 'e2e:e2e'], missing: haveChromium ? null : `Chromium is missing at ${CHROMIUM}` },
  ];
  const totals = { passed: 0, failed: 0, skipped: 0 };
  const failedSteps = [];
  for (const step of steps) {
    say(step.name);
    if (step.missing) {
      process.stdout.write(`not run: ${step.missing}\n`);
      failedSteps.push({ name: step.name, failures: [`not run: ${step.missing}`] });
      totals.failed += 1;
      continue;
    }
    const { code, counted, failures } = await nx(step.args);
    for (const kind of Object.keys(totals)) totals[kind] += counted[kind];
    if (code === 0) continue;
    failedSteps.push({ name: step.name, failures: failures.length ? failures : [`exit code ${code}`] });
    if (counted.failed === 0) totals.failed += 1; // a failing lint/typecheck step counts as a failure
  }

  say(`finished in ${((Date.now() - started) / 60000).toFixed(1)} min: ${failedSteps.length === 0 ? 'every step passed' : `${failedSteps.length} of ${steps.length} steps FAILED`}`);
  for (const step of failedSteps) {
    process.stdout.write(`FAILED: ${step.name}\n${step.failures.map((f) => `  ${f}`).join('\n')}\n`);
  }
  process.stdout.write(`${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped\n`);
  process.exit(failedSteps.length > 0 ? 1 : 0);
}

main();
