import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ort from 'onnxruntime-node';

/** Where a training/inference session runs. */
export type ExecutionProvider = 'cpu' | 'cuda' | 'webgpu';
export type ExecutionProviderRequest = ExecutionProvider | 'auto';

export interface ResolvedProvider {
  readonly provider: ExecutionProvider;
  /** Why this provider (one line, logged once by the caller). */
  readonly reason: string;
}

/**
 * Whether onnxruntime-node's CUDA provider library is installed beside the native binding (the npm
 * package ships CPU and WebGPU; CUDA 12 is an install-time download, see apps/trainer/README.md).
 */
export function cudaProviderInstalled(): boolean {
  try {
    const pkg = path.dirname(require.resolve('onnxruntime-node/package.json'));
    const dir = path.join(pkg, 'bin', 'napi-v6', process.platform, process.arch);
    return fs.existsSync(path.join(dir, 'libonnxruntime_providers_cuda.so'));
  } catch {
    return false;
  }
}

/**
 * Picks the execution provider: 'auto' takes CUDA when its provider library is installed, otherwise
 * the CPU (WebGPU is only used when asked for explicitly: it is bundled but unverified on this
 * project's machines). An explicit 'cuda' without the library is refused with the fix.
 */
export function resolveExecutionProvider(request: ExecutionProviderRequest): ResolvedProvider {
  const backends = ort.listSupportedBackends().map((b) => b.name);
  if (request === 'cpu') return { provider: 'cpu', reason: 'CPU execution provider (requested)' };
  if (request === 'webgpu') {
    if (!backends.includes('webgpu')) throw new Error('the installed onnxruntime-node has no webgpu backend');
    return { provider: 'webgpu', reason: 'WebGPU execution provider (requested)' };
  }
  const cuda = cudaProviderInstalled();
  if (request === 'cuda' && !cuda) {
    throw new Error('CUDA execution provider requested but libonnxruntime_providers_cuda.so is not installed (see apps/trainer/README.md, "GPU training")');
  }
  if (cuda) return { provider: 'cuda', reason: 'CUDA execution provider (libonnxruntime_providers_cuda.so found)' };
  return { provider: 'cpu', reason: 'no CUDA execution provider installed: training on the CPU execution provider' };
}
