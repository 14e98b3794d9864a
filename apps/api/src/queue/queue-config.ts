/** Timing of the run lifecycle (heartbeats, reaper, long polls). */
export interface QueueConfig {
  /** A running run whose last heartbeat is older than this is taken back (retried or failed). */
  readonly heartbeatTimeoutSeconds: number;
  /** How often workers are asked to heartbeat (a third of the timeout unless set). */
  readonly heartbeatIntervalSeconds: number;
  /** How often the reaper looks for silent runs. */
  readonly reaperIntervalSeconds: number;
}

function seconds(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const v = Number(raw);
  if (!Number.isFinite(v) || v <= 0) throw new Error(`${name}=${raw}: expected a positive number of seconds`);
  return v;
}

/**
 * Reads the queue timing from the environment:
 * - `DEFECTLAB_RUN_HEARTBEAT_TIMEOUT_S` (default 45, so that with the 5 s reaper a dead worker is detected within a minute): a run silent this long is retried or failed;
 * - `DEFECTLAB_RUN_HEARTBEAT_INTERVAL_S` (default timeout / 3);
 * - `DEFECTLAB_RUN_REAPER_INTERVAL_S` (default min(5, timeout / 4)).
 * A dead worker is therefore noticed within timeout + reaper interval (50 s by default).
 */
export function loadQueueConfig(env: NodeJS.ProcessEnv = process.env): QueueConfig {
  const heartbeatTimeoutSeconds = seconds(env, 'DEFECTLAB_RUN_HEARTBEAT_TIMEOUT_S', 45);
  return {
    heartbeatTimeoutSeconds,
    heartbeatIntervalSeconds: seconds(env, 'DEFECTLAB_RUN_HEARTBEAT_INTERVAL_S', heartbeatTimeoutSeconds / 3),
    reaperIntervalSeconds: seconds(env, 'DEFECTLAB_RUN_REAPER_INTERVAL_S', Math.min(5, heartbeatTimeoutSeconds / 4)),
  };
}

/** DI token of the QueueConfig. */
export const QUEUE_CONFIG = Symbol('QUEUE_CONFIG');
