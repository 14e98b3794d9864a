import os from 'node:os';

/** Environment variable that overrides the training threads of a worker. */
export const TRAIN_THREADS_ENV = 'DEFECTLAB_TRAIN_THREADS';

/**
 * Intra-op threads of a training session: `DEFECTLAB_TRAIN_THREADS` when set, else the configured
 * count (the cores given to the worker), else every core of this machine.
 * @throws RangeError for a value that is not a positive integer
 */
export function resolveTrainThreads(configured?: number, env: NodeJS.ProcessEnv = process.env): { threads: number; source: 'env' | 'config' | 'cores' } {
  const raw = env[TRAIN_THREADS_ENV];
  if (raw !== undefined && raw.trim() !== '') {
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`${TRAIN_THREADS_ENV}=${raw}: expected a positive integer`);
    return { threads: n, source: 'env' };
  }
  if (configured !== undefined) {
    if (!Number.isInteger(configured) || configured < 1) throw new RangeError(`training threads ${configured}: expected a positive integer`);
    return { threads: configured, source: 'config' };
  }
  return { threads: Math.max(1, os.availableParallelism?.() ?? os.cpus().length), source: 'cores' };
}

/** What a run records about the engine that trained it. */
export interface TrainingEngineInfo {
  readonly engine: string;
  readonly executionProvider: string;
  readonly threads: number;
}
