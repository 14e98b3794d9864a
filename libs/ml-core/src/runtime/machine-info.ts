import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** The machine a run or benchmark ran on, recorded next to every figure it produced. */
export interface MachineInfo {
  readonly cpuModel: string;
  readonly logicalCores: number;
  readonly memoryBytes: number;
  readonly platform: string;
  readonly arch: string;
  readonly hostname: string;
  readonly node: string;
}

/** Reads the CPU model, core count and memory of this machine. */
export function describeMachine(): MachineInfo {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model.trim() || 'unknown',
    logicalCores: Math.max(1, cpus.length),
    memoryBytes: os.totalmem(),
    platform: `${os.type()} ${os.release()}`,
    arch: os.arch(),
    hostname: os.hostname(),
    node: process.version,
  };
}

/** The runtime packages that decide numerical results and speed. */
export const DEFAULT_RUNTIME_PACKAGES = ['onnxruntime-node', 'sharp'] as const;

/** Installed versions of `packages`, resolved from `from` (null when a package is not installed). */
export function runtimeVersions(packages: readonly string[] = DEFAULT_RUNTIME_PACKAGES, from: string = __dirname): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const name of packages) out[name] = packageVersion(name, from);
  return out;
}

/**
 * A package's version from its package.json, found by resolving the package's entry and walking up the
 * folders: packages whose `exports` hide package.json (sharp) cannot be asked for it directly.
 */
function packageVersion(name: string, from: string): string | null {
  let entry: string;
  try {
    entry = require.resolve(name, { paths: [from] });
  } catch {
    return null;
  }
  for (let dir = path.dirname(entry); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === name && pkg.version) return pkg.version;
    } catch {
      // no package.json at this level
    }
  }
  return null;
}
