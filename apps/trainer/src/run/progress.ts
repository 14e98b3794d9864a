import type { FitProgress } from '@defectlab/ml-core';

/** Where the trainer writes human-readable progress (the CLI: stderr). */
export type Log = (line: string) => void;

/** One line for a fit progress report, e.g. "train epoch 3/12 step 40/96 loss 1.2345 eta 31 s". */
export function formatProgress(p: FitProgress): string {
  const parts: string[] = [p.phase];
  if (p.epoch !== undefined) parts.push(`epoch ${p.epoch}${p.epochs !== undefined ? `/${p.epochs}` : ''}`);
  if (p.step !== undefined) parts.push(`step ${p.step}${p.steps !== undefined ? `/${p.steps}` : ''}`);
  if (p.loss !== undefined && Number.isFinite(p.loss)) parts.push(`loss ${p.loss.toFixed(4)}`);
  if (p.throughput !== undefined && Number.isFinite(p.throughput)) parts.push(`${p.throughput.toFixed(1)}/s`);
  if (p.etaSeconds !== undefined && Number.isFinite(p.etaSeconds)) parts.push(`eta ${Math.round(p.etaSeconds)} s`);
  if (p.message) parts.push(p.message);
  return parts.join(' ');
}

/** What the throttle needs of a progress report. */
interface Throttled {
  readonly phase: string;
  readonly step?: number;
  readonly steps?: number;
  readonly message?: string;
}

/**
 * Rate-limits progress: a report passes when its phase changes, it has a message, it is the last step
 * of its phase, or `minIntervalMs` passed since the last one that passed.
 */
export function throttle<P extends Throttled>(onReport: (p: P) => void, minIntervalMs = 2000, now: () => number = Date.now): (p: P) => void {
  let lastPhase = '';
  let lastAt = -Infinity;
  return (p) => {
    const t = now();
    const last = p.step !== undefined && p.steps !== undefined && p.step >= p.steps;
    if (p.phase !== lastPhase || p.message || last || t - lastAt >= minIntervalMs) {
      lastPhase = p.phase;
      lastAt = t;
      onReport(p);
    }
  };
}

/** {@link throttle}d progress written as lines on `log` (the CLI). */
export function throttledProgress(log: Log, minIntervalMs = 2000, now: () => number = Date.now): (p: FitProgress) => void {
  return throttle((p: FitProgress) => log(formatProgress(p)), minIntervalMs, now);
}
