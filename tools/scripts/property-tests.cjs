// How the fast-check property tests run, read from the environment (shared by the jest setup files
// and `npm run test:fuzz`):
//   npm test            FC_SEED unset: the fixed seed below, 200 runs per property, so CI gives the
//                       same answer for the same commit;
//   npm run test:fuzz   FC_FUZZ=1: a fresh random seed per run and 2000 runs per property;
//   FC_SEED=<int>       replays a seed (in either mode); FC_NUM_RUNS=<int> overrides the run count.

const FIXED_SEED = 20261204;
const RUNS = { fixed: 200, fuzz: 2000 };

/** @param {string | undefined} text @param {string} name */
function parseInteger(text, name) {
  if (text === undefined || text === '') return undefined;
  const n = Number(text);
  if (!Number.isSafeInteger(n)) throw new Error(`${name}=${text}: expected an integer`);
  return n;
}

/**
 * The settings for this process: `seed` is undefined only in fuzz mode before the global setup has
 * drawn one (it then exports it as FC_SEED to every test worker).
 * @param {NodeJS.ProcessEnv} env
 */
function propertySettings(env = process.env) {
  const fuzz = env.FC_FUZZ === '1';
  const seed = parseInteger(env.FC_SEED, 'FC_SEED') ?? (fuzz ? undefined : FIXED_SEED);
  const numRuns = parseInteger(env.FC_NUM_RUNS, 'FC_NUM_RUNS') ?? (fuzz ? RUNS.fuzz : RUNS.fixed);
  if (numRuns < 1) throw new Error(`FC_NUM_RUNS=${numRuns}: expected at least 1`);
  return { fuzz, seed, numRuns };
}

/** A fresh 32-bit seed for a fuzz run. */
function randomSeed() {
  return (Date.now() ^ Math.floor(Math.random() * 0x100000000)) | 0;
}

/** The environment that replays a run exactly. */
function replayEnv({ fuzz, seed, numRuns }) {
  return `${fuzz ? 'FC_FUZZ=1 ' : ''}FC_SEED=${seed} FC_NUM_RUNS=${numRuns}`;
}

module.exports = { FIXED_SEED, RUNS, propertySettings, randomSeed, replayEnv };
