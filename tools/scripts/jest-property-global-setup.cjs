// jest globalSetup (every project, via jest.preset.cjs): fixes the fast-check seed for this jest run
// and prints it once. In fuzz mode it draws a fresh seed and exports it as FC_SEED, so the test
// workers (started after this) all use it.
const { propertySettings, randomSeed, replayEnv } = require('./property-tests.cjs');

module.exports = async function propertyGlobalSetup(globalConfig, projectConfig) {
  const settings = propertySettings(process.env);
  if (settings.seed === undefined) {
    settings.seed = randomSeed();
    process.env.FC_SEED = String(settings.seed);
  }
  const name = projectConfig?.displayName?.name ?? projectConfig?.displayName ?? projectConfig?.rootDir ?? '';
  const mode = settings.fuzz ? 'fuzz run, fresh seed' : 'fixed seed';
  process.stdout.write(`\nproperty tests${name ? ` (${name})` : ''}: ${mode} ${settings.seed}, ${settings.numRuns} runs each; replay: ${replayEnv(settings)}\n`);
};
