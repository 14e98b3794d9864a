/**
 * The machine, runtime versions and source revision recorded in every bench report: the same machine
 * description and version lookup as the trainer's runs (libs/ml-core), in the bench report's field names.
 */
import { execFileSync } from 'node:child_process';
import * as os from 'node:os';
import type { TBenchMachine } from '@defectlab/contracts';
import { DEFAULT_RUNTIME_PACKAGES, describeMachine as describeHost, runtimeVersions as packageVersions } from '@defectlab/ml-core';

/**
 * The packages that decide numerical results and speed: the trainer's list, typescript, and the
 * TensorFlow.js packages the train-step section's tfjs-wasm reference runs on (tfjs-reference/).
 */
export const RUNTIME_PACKAGES = [...DEFAULT_RUNTIME_PACKAGES, '@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm', 'typescript'] as const;

/** CPU model, cores, memory and load of this machine. `loadAverageEnd` is filled in when the bench ends. */
export function describeMachine(): TBenchMachine {
  const host = describeHost();
  const load = os.loadavg()[0];
  return {
    cpu: host.cpuModel,
    cores: host.logicalCores,
    memoryBytes: host.memoryBytes,
    platform: host.platform,
    arch: host.arch,
    hostname: host.hostname,
    node: host.node,
    loadAverageStart: load,
    loadAverageEnd: load,
  };
}

/** Installed versions of `packages` (null when not installed). */
export function runtimeVersions(packages: readonly string[] = RUNTIME_PACKAGES, from: string = __dirname): Record<string, string | null> {
  return packageVersions(packages, from);
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
