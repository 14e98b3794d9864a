#!/usr/bin/env node
// `npm run probe:security`: replays the attacks of issue 16 against the real thing and exits non-zero if any
// hole reopened. Step 1: the tar reader's attack properties (fast-check). Step 2: the API's security integration
// specs on PostgreSQL (127.0.0.1:5432) and PGlite (artifact types and download headers, helmet headers, worker
// leases, the role matrix, the smaller holes, hostile imports: paths, gzip/tar/pixel bombs). Step 3: the browser spec: `npm start` on a fresh data folder driven by headless Chromium
// (HttpOnly session, CSRF, CSP, artifacts that cannot run). Every step runs even when an earlier one fails.
// SECURITY.md maps each defence to the test that covers it.
const { spawnSync } = require('node:child_process');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..');
const JEST = path.join(ROOT, 'node_modules', 'jest', 'bin', 'jest.js');
const env = { ...process.env, NODE_OPTIONS: '--experimental-vm-modules --no-warnings=ExperimentalWarning', NEXT_TELEMETRY_DISABLED: '1', CHECKPOINT_DISABLE: '1' };

const steps = [
  ['tar reader attack properties', ['-c', 'apps/api/jest.config.cjs', '-w', '1', 'tar-extract.attacks']],
  ['API security specs (PostgreSQL and PGlite)', ['-c', 'apps/api/jest.integration.config.cjs', '--runInBand', 'artifact-security', 'worker-lease', 'api-hardening', 'import-bad-input', 'role-matrix']],
  ['browser security spec (npm start + headless Chromium)', ['-c', 'apps/e2e/jest.e2e.config.cjs', '--runInBand', 'security.e2e-spec']],
];
const failed = [];
for (const [name, args] of steps) {
  process.stdout.write(`\n=== ${name}\n`);
  const r = spawnSync(process.execPath, [JEST, ...args], { cwd: ROOT, env, stdio: 'inherit' });
  if (r.status !== 0) failed.push(name);
}
process.stdout.write(failed.length ? `\nprobe:security FAILED: ${failed.join('; ')}\n` : '\nprobe:security: every probe held\n');
process.exit(failed.length ? 1 : 0);
