import type { TProgressReport } from '@defectlab/contracts';

/**
 * Reads a progress line written by `formatProgress` (run/progress.ts), e.g.
 * "train epoch 3/12 step 40/96 loss 1.2345 7.5/s eta 31 s", back into a report; null for other log lines.
 * The fit pipeline reports progress only through its log, so the worker recovers the numbers from it.
 */
export function parseProgressLine(line: string): TProgressReport | null {
  const m = /^(\S+)((?: epoch \d+(?:\/\d+)?)?(?: step \d+(?:\/\d+)?)?(?: loss -?[\d.e+-]+)?(?: [\d.]+\/s)?(?: eta \d+ s)?)(?: (.*))?$/.exec(line);
  if (!m) return null;
  const [, phase, numbers, rest] = m;
  if (!numbers) return null;
  const epoch = /epoch (\d+)(?:\/(\d+))?/.exec(numbers);
  const step = / step (\d+)(?:\/(\d+))?/.exec(numbers);
  const loss = / loss (-?[\d.e+-]+)/.exec(numbers);
  const rate = / ([\d.]+)\/s/.exec(numbers);
  const eta = / eta (\d+) s/.exec(numbers);
  const report: TProgressReport = { phase };
  const num = (s: string | undefined) => (s === undefined ? undefined : Number(s));
  if (epoch) Object.assign(report, { epoch: num(epoch[1]), ...(epoch[2] ? { epochs: num(epoch[2]) } : {}) });
  if (step) Object.assign(report, { step: num(step[1]), ...(step[2] ? { steps: num(step[2]) } : {}) });
  if (loss && Number.isFinite(Number(loss[1]))) report.loss = Number(loss[1]);
  if (rate) report.throughput = Number(rate[1]);
  if (eta) report.etaSeconds = Number(eta[1]);
  if (rest) report.message = rest;
  return report;
}
