import { readFileSync } from 'node:fs';
import os from 'node:os';

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
    logicalCores: cpus.length,
    memoryBytes: os.totalmem(),
    platform: `${os.type()} ${os.release()}`,
    arch: os.arch(),
    hostname: os.hostname(),
    node: process.version,
  };
}

/** Versions of the runtime packages that decide numerical results and speed. */
export function runtimeVersions(packages: readonly string[] = DEFAULT_RUNTIME_PACKAGES): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const name of packages) {
    try {
      const manifest = require.resolve(`${name}/package.json`);
      out[name] = (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
    } catch {
      out[name] = null;
    }
  }
  return out;
}

export const DEFAULT_RUNTIME_PACKAGES = ['onnxruntime-node', '@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm', 'sharp'] as const;
