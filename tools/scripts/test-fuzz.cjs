#!/usr/bin/env node
// `npm run test:fuzz`: the same fast-check property tests `npm test` runs, but with a fresh random
// seed and more runs (see property-tests.cjs), for local use and the bench. It runs every spec file
// that imports fast-check, one jest config at a time, and on a failure prints the seed, how to replay
// it and how to keep the counterexample as a regression test.
//   npm run test:fuzz                           fresh seed, 2000 runs per property
//   FC_NUM_RUNS=10000 npm run test:fuzz         more runs
//   FC_SEED=123 npm run test:fuzz               replay a seed
//   npm run test:fuzz -- libs/metrics           only specs under a path
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { propertySettings, randomSeed, replayEnv } = require('./property-tests.cjs');

const ROOT = path.resolve(__dirname, '..', '..');
const SEARCH = ['apps', 'libs', 'tools'];
const SKIP_DIRS = new Set(['node_modules', 'dist', '.next', 'generated']);

/** Spec files (unit, integration, e2e) that import fast-check. */
function propertySpecs(dir, out = []) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIP_DIRS.has(entry.name)) propertySpecs(p, out);
    } else if (/\.(spec|integration-spec|e2e-spec)\.tsx?$/.test(entry.name) && /from ['"]fast-check['"]/.test(fs.readFileSync(p, 'utf8'))) {
      out.push(p);
    }
  }
  return out;
}

/** The jest config that runs a spec: the nearest folder with the config for its kind. */
function jestConfigOf(spec) {
  const name = spec.includes('.integration-spec.') ? 'jest.integration.config.cjs' : spec.includes('.e2e-spec.') ? 'jest.e2e.config.cjs' : 'jest.config.cjs';
  for (let dir = path.dirname(spec); dir.startsWith(ROOT); dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, name))) return path.join(dir, name);
  }
  throw new Error(`no ${name} above ${spec}`);
}

function main() {
  const settings = propertySettings({ ...process.env, FC_FUZZ: '1' });
  settings.seed ??= randomSeed();
  const filters = process.argv.slice(2).map((f) => path.resolve(ROOT, f));
  const specs = SEARCH.flatMap((d) => propertySpecs(path.join(ROOT, d))).filter((s) => filters.length === 0 || filters.some((f) => s.startsWith(f)));
  const byConfig = new Map();
  for (const spec of specs) {
    const config = jestConfigOf(spec);
    byConfig.set(config, [...(byConfig.get(config) ?? []), spec]);
  }
  process.stdout.write(`fuzzing ${specs.length} spec files in ${byConfig.size} projects: seed ${settings.seed}, ${settings.numRuns} runs per property\n`);

  const env = {
    ...process.env,
    FC_FUZZ: '1',
    FC_SEED: String(settings.seed),
    FC_NUM_RUNS: String(settings.numRuns),
    NODE_OPTIONS: '--experimental-vm-modules --no-warnings=ExperimentalWarning',
    FORCE_COLOR: '0',
  };
  const failed = [];
  for (const [config, files] of byConfig) {
    const rel = path.relative(ROOT, config);
    process.stdout.write(`\n=== ${rel}\n`);
    const jest = path.join(ROOT, 'node_modules', 'jest', 'bin', 'jest.js');
    // property tests run far longer than in `npm test`: no per-test timeout of jest's own
    const args = [jest, '-c', config, '--ci', '--runInBand', '--testTimeout=3600000', '--runTestsByPath', ...files];
    const r = spawnSync(process.execPath, args, { cwd: ROOT, env, stdio: 'inherit' });
    if (r.status !== 0) failed.push(rel);
  }

  process.stdout.write(`\n=== fuzz seed ${settings.seed}, ${settings.numRuns} runs per property: `);
  if (failed.length === 0) {
    process.stdout.write(`every property held in ${byConfig.size} projects\n`);
    return;
  }
  process.stdout.write(`FAILED in ${failed.join(', ')}\n`);
  process.stdout.write(
    [
      `Replay: ${replayEnv(settings)} npm run test:fuzz -- <spec path> (each failure above prints its exact jest command).`,
      'Keep the shrunk counterexample as a fixed regression test: an `it(...)` beside the property that calls the',
      'code with those literal values (see libs/metrics/src/histogram.spec.ts, "regression: ..."), fix the code, and',
      'the property and the regression test then pass in `npm test` with its fixed seed.',
      '',
    ].join('\n'),
  );
  process.exitCode = 1;
}

main();
