/**
 * The trainer worker: takes runs from the API's queue and trains + evaluates them through the same code
 * path as the CLI (run/fit-run.ts, evaluation/evaluate-run.ts). It holds an API token, never database
 * credentials. Environment:
 * - `DEFECTLAB_API_URL` (default http://127.0.0.1:3333), `DEFECTLAB_WORKER_TOKEN` (a worker token: an API token of a
 *   user with role worker, see the README);
 * - `DEFECTLAB_WORKER_ID` (default <host>-<pid>), `DEFECTLAB_WORKER_DIR` (default <tmp>/defectlab-worker-<id>);
 * - `DEFECTLAB_WORKER_MAX_JOBS` (stop after that many jobs), `DEFECTLAB_BACKBONE_CACHE` (backbone cache folder).
 * SIGTERM / SIGINT: exit at once (the job's child process exits with it); the API's reaper takes the run back
 * after the heartbeat timeout and queues it again while attempts remain, as for a worker that died.
 * Usage: node -r ./tools/scripts/register.cjs apps/trainer/src/worker.ts
 */
import * as os from 'node:os';
import * as path from 'node:path';
import { createWorkerApi } from './worker/worker-api';
import { workerLoop } from './worker/worker-loop';

const log = (line: string): void => {
  process.stderr.write(`[worker ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
};

async function main(): Promise<number> {
  const env = process.env;
  const token = env['DEFECTLAB_WORKER_TOKEN'];
  if (!token) {
    log('error: set DEFECTLAB_WORKER_TOKEN to an API token of a user with role worker (see the README)');
    return 2;
  }
  const baseUrl = (env['DEFECTLAB_API_URL'] ?? 'http://127.0.0.1:3333').replace(/\/+$/, '');
  const workerId = env['DEFECTLAB_WORKER_ID'] ?? `${os.hostname()}-${process.pid}`;
  const workDir = env['DEFECTLAB_WORKER_DIR'] ?? path.join(os.tmpdir(), `defectlab-worker-${workerId.replace(/[^A-Za-z0-9_.-]/g, '_')}`);
  const maxJobs = env['DEFECTLAB_WORKER_MAX_JOBS'] ? Number(env['DEFECTLAB_WORKER_MAX_JOBS']) : undefined;
  for (const sig of ['SIGTERM', 'SIGINT'] as const) {
    process.once(sig, () => {
      log(`${sig}: stopping`);
      process.exit(0);
    });
  }
  await workerLoop({
    api: createWorkerApi(baseUrl, token),
    workerId,
    workDir,
    log,
    maxJobs,
    backboneCacheDir: env['DEFECTLAB_BACKBONE_CACHE'],
  });
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    log(`error: ${(e as Error)?.stack ?? String(e)}`);
    process.exit(1);
  },
);
