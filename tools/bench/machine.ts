/**
 * The machine, runtime versions and source revision recorded in every bench report. Mirrors the fields of
 * apps/trainer/src/machine-info.ts (which tools may not import: apps are not libraries); each model's
 * figures come from the trainer itself, whose evaluation report records the same machine.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { TBenchMachine } from '@defectlab/contracts';

/** The packages that decide numerical results and speed (the trainer's list, plus typescript). */
export const RUNTIME_PACKAGES = ['onnxruntime-node', '@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm', 'sharp', 'typescript'] as const;

/** CPU model, cores, memory and load of this machine. `loadAverageEnd` is filled in when the bench ends. */
export function describeMachine(): TBenchMachine {
  const cpus = os.cpus();
  const load = os.loadavg()[0];
  return {
    cpu: cpus[0]?.model.trim() || 'unknown',
    cores: Math.max(1, cpus.length),
    memoryBytes: os.totalmem(),
    platform: `${os.type()} ${os.release()}`,
    arch: os.arch(),
    hostname: os.hostname(),
    node: process.version,
    loadAverageStart: load,
    loadAverageEnd: load,
  };
}

/** Installed versions of `packages` (null when not installed). */
export function runtimeVersions(packages: readonly string[] = RUNTIME_PACKAGES, from: string = __dirname): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const name of packages) {
    out[name] = packageVersion(name, from);
  }
  return out;
}

/**
 * A package's version: its package.json, found through `require.resolve` of the package itself and a walk
 * up the folders (packages whose `exports` hide package.json, e.g. sharp, cannot be asked for it directly).
 */
function packageVersion(name: string, from: string): string | null {
  let file: string;
  try {
    file = require.resolve(name, { paths: [from] });
  } catch {
    return null;
  }
  for (let dir = path.dirname(file); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === name && pkg.version) return pkg.version;
    } catch {
      // no package.json at this level
    }
  }
  return null;
}

/** HEAD commit and whether the working tree has changes (nulls outside a git checkout). */
export function gitState(cwd: string): { commit: string | null; dirty: boolean | null } {
  try {
    const commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const status = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    return { commit, dirty: status.trim().length > 0 };
  } catch {
    return { commit: null, dirty: null };
  }
}
