import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');

export interface RunningPlatform {
  readonly webUrl: string;
  readonly apiUrl: string;
  readonly dataDir: string;
  /** Everything the platform printed so far (stdout + stderr). */
  output(): string;
  /** Stops the platform (SIGTERM) and waits for it to exit. */
  stop(): Promise<void>;
}

/** A free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts the platform exactly as the README's start command does (`npm start`), on free ports
 * and, unless `dataDir` is given, a fresh data folder; resolves once it prints that it is up.
 */
export async function startPlatform(options: { dataDir?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<RunningPlatform> {
  const dataDir = options.dataDir ?? mkdtempSync(path.join(os.tmpdir(), 'defectlab-e2e-'));
  const [apiPort, webPort] = [await freePort(), await freePort()];
  let out = '';
  const child: ChildProcess = spawn('npm', ['start', '--silent'], {
    cwd: REPO_ROOT,
    // DEFECTLAB_DEMO=0: no demo datasets and runs (they would compete with a test's own); a test may turn it on
    env: { ...process.env, DATABASE_URL: '', DEFECTLAB_DEMO: '0', DEFECTLAB_DATA_DIR: dataDir, API_PORT: String(apiPort), WEB_PORT: String(webPort), ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));

  const stop = async () => {
    if (child.exitCode === null && child.pid) process.kill(-child.pid, 'SIGTERM');
    await exited;
  };
  const deadline = Date.now() + (options.timeoutMs ?? 240_000);
  while (!/DefectLab is up/.test(out)) {
    if (child.exitCode !== null) throw new Error(`npm start exited with ${child.exitCode}:\n${out.slice(-4000)}`);
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`npm start did not come up in time:\n${out.slice(-4000)}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    webUrl: `http://127.0.0.1:${webPort}`,
    apiUrl: `http://127.0.0.1:${apiPort}`,
    dataDir,
    output: () => out,
    stop,
  };
}

/** Removes a data folder made by `startPlatform`. */
export function removeDataDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
