// jest setupFilesAfterEnv (every project, via jest.preset.cjs): every fc.assert in the test file
// uses the seed and run count of property-tests.cjs, and a failing property says how to replay it
// and how to keep its counterexample as a regression test.
const fs = require('node:fs');
const path = require('node:path');
const fc = require('fast-check');
const { propertySettings, randomSeed, replayEnv } = require('./property-tests.cjs');

const settings = propertySettings(process.env);
settings.seed ??= randomSeed(); // only when jest runs without the global setup (single-file tools)
fc.configureGlobal({ seed: settings.seed, numRuns: settings.numRuns });

fc.installGlobalPlugin(() => ({
  onAllRunsComplete(details) {
    if (!details.failed) return;
    const { testPath, currentTestName } = expect.getState();
    const file = testPath ? path.relative(process.cwd(), testPath) : '<spec file>';
    const hint = [
      fc.defaultReportMessage(details),
      '',
      `Replay this failure: ${replayEnv(settings)} npx jest -c ${jestConfigOf(testPath)} ${file} -t ${JSON.stringify(currentTestName ?? '')}`,
      `(fast-check seed ${details.seed}, path "${details.counterexamplePath}").`,
      'Then keep the counterexample above as a fixed regression test: an `it(...)` beside the property that',
      'calls the code with those literal values, so `npm test` checks it on every run.',
    ].join('\n');
    throw new Error(hint, { cause: details.errorInstance ?? undefined });
  },
}), 'pre');

/** The jest config that runs `testPath`: the nearest jest.config.cjs, or the integration/e2e config for those specs. */
function jestConfigOf(testPath) {
  if (!testPath) return '<project>/jest.config.cjs';
  const name = /\.integration-spec\./.test(testPath)
    ? 'jest.integration.config.cjs'
    : /\.e2e-spec\./.test(testPath)
      ? 'jest.e2e.config.cjs'
      : 'jest.config.cjs';
  for (let dir = path.dirname(testPath); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, name))) return path.relative(process.cwd(), path.join(dir, name));
  }
  return name;
}
