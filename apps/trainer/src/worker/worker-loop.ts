import { execFileSync } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';
import { claimJob, type TWorkerInfo } from '@defectlab/contracts';
import { describeMachine, runtimeVersions } from '@defectlab/ml-core';
import { runJob, type JobOutcome } from './run-job';
import type { WorkerApi } from './worker-api';

export interface WorkerLoopOptions {
  readonly api: WorkerApi;
  readonly workerId: string;
  readonly workDir: string;
  readonly log: (line: string) => void;
  /** Stop after this many jobs (default: never). */
  readonly maxJobs?: number;
  /** Long-poll length of each claim. */
  readonly claimWaitSeconds?: number;
  readonly backboneCacheDir?: string;
  /** Resolves to stop taking new jobs (a running job finishes first). */
  readonly stopSignal?: AbortSignal;
}

/** The git commit of the worker's code, when it runs from a git checkout. */
export function codeVersion(cwd = path.resolve(__dirname, '..', '..', '..', '..')): string | null {
  if (process.env['DEFECTLAB_CODE_VERSION']) return process.env['DEFECTLAB_CODE_VERSION'];
  try {
    const commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return dirty ? `${commit}+dirty` : commit;
  } catch {
    return null;
  }
}

/** What a worker records on each run it takes: hardware, runtime versions, code version. */
export function workerInfo(): TWorkerInfo {
  return {
    hardware: { ...describeMachine(), hostname: os.hostname() },
    runtime: { node: process.version, ...runtimeVersions() },
    codeVersion: codeVersion(),
  };
}

/** Claims jobs from the API and runs them one at a time until stopped. Returns the outcomes. */
export async function workerLoop(o: WorkerLoopOptions): Promise<JobOutcome[]> {
  const info = workerInfo();
  const outcomes: JobOutcome[] = [];
  o.log(`worker ${o.workerId} ready (code ${info.codeVersion ?? 'unknown'})`);
  while (!o.stopSignal?.aborted && (o.maxJobs === undefined || outcomes.length < o.maxJobs)) {
    let job;
    try {
      ({ job } = await o.api.call(claimJob, { body: { workerId: o.workerId, waitSeconds: o.claimWaitSeconds ?? 10, worker: info } }));
    } catch (e) {
      o.log(`claim failed: ${(e as Error).message}; retrying in 5 s`);
      await new Promise((r) => setTimeout(r, 5000));
      continue;
    }
    if (!job) continue;
    // the job carries its lease token; runJob sends it with every call about the run (api.forJob)
    outcomes.push(await runJob(job, { api: o.api, workerId: o.workerId, workDir: o.workDir, log: o.log, backboneCacheDir: o.backboneCacheDir }));
  }
  return outcomes;
}
