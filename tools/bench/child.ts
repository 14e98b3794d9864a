/**
 * Runs one benchmark stage as a fresh Node process (TypeScript through tools/scripts/register.cjs) and
 * measures it from outside: wall time, exit code and the child's peak RSS (written at exit by the
 * preloaded peak-rss.cjs). Output is captured; the last lines of stderr explain a failure.
 */
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { TBenchProcess } from '@defectlab/contracts';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
const REGISTER = path.join(REPO_ROOT, 'tools', 'scripts', 'register.cjs');
const PEAK_RSS = path.join(__dirname, 'peak-rss.cjs');

export interface ChildResult {
  readonly process: TBenchProcess;
  readonly stdout: string;
  readonly stderr: string;
  /** true when the stage was killed for running past its time limit */
  readonly timedOut: boolean;
}

/**
 * Runs `node -r register -r peak-rss <script> ...args` in the repository root.
 * @param onLine receives each stderr line as it arrives (progress)
 */
export async function runChild(
  script: string,
  args: readonly string[],
  options: { timeoutMs: number; onLine?: (line: string) => void; env?: Record<string, string> },
): Promise<ChildResult> {
  const rssFile = path.join(os.tmpdir(), `defectlab-bench-rss-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`);
  const started = performance.now();
  const child = spawn(process.execPath, ['-r', REGISTER, '-r', PEAK_RSS, script, ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...options.env, DEFECTLAB_BENCH_RSS_FILE: rssFile },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let pending = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    stderr += d;
    pending += d;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const l of lines) options.onLine?.(l);
  });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, options.timeoutMs);
  const exitCode = await new Promise<number | null>((resolve) => {
    child.on('error', () => resolve(null));
    child.on('close', (code) => resolve(code));
  });
  clearTimeout(timer);
  if (pending) options.onLine?.(pending);
  let peakRssBytes: number | null = null;
  try {
    const v = Number(await fs.readFile(rssFile, 'utf8'));
    peakRssBytes = Number.isFinite(v) && v > 0 ? Math.round(v) : null;
  } catch {
    peakRssBytes = null;
  }
  await fs.rm(rssFile, { force: true });
  return { process: { wallSeconds: (performance.now() - started) / 1000, peakRssBytes, exitCode }, stdout, stderr, timedOut };
}

/** The reason a child failed, in one line: its last "error:" line, else its last stderr line. */
export function failureReason(r: ChildResult, limitMs: number): string {
  if (r.timedOut) return `killed after the ${Math.round(limitMs / 1000)} s limit`;
  const lines = r.stderr.split('\n').map((l) => l.trim()).filter(Boolean);
  const err = [...lines].reverse().find((l) => l.startsWith('error:') || /Error\b/.test(l));
  return `${err ?? lines[lines.length - 1] ?? 'no output'} (exit code ${r.process.exitCode ?? 'none'})`;
}
