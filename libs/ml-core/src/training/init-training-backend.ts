/**
 * Chooses the TensorFlow.js backend used for training (DESIGN.md section 5):
 * `@tensorflow/tfjs-node-gpu`, then `@tensorflow/tfjs-node` (optional dependencies that cannot
 * install on every machine), else the WebAssembly backend with our own gradient kernels.
 * The pure-JS `cpu` backend is never chosen: its convolution gradients are unusably slow.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as tfType from '@tensorflow/tfjs';
import { silenceNodeBackendAdvice } from './quiet-tfjs';
import { registerWasmGradKernels } from './wasm-grad-kernels';

export type TrainingBackendKind = 'tfjs-node-gpu' | 'tfjs-node' | 'tfjs-wasm';

export interface TrainingBackend {
  /** The TensorFlow.js namespace to use for training (the umbrella package, gradients registered). */
  readonly tf: typeof tfType;
  readonly kind: TrainingBackendKind;
  /** Human-readable description, recorded as the run's backend. */
  readonly description: string;
}

export interface InitTrainingBackendOptions {
  /** Skip the native packages even if installed (tests use this to pin the wasm path). */
  readonly preferWasm?: boolean;
}

let cached: Promise<TrainingBackend> | undefined;

function loadTf(): typeof tfType {
  // Lazy: importing @defectlab/ml-core must not load TensorFlow.js.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const tf = require('@tensorflow/tfjs') as typeof tfType;
  silenceNodeBackendAdvice(tf);
  return tf;
}

/**
 * True when `pkg` is installed with its compiled libtensorflow binding. Checked before `require`,
 * because requiring a package whose install script never ran registers its kernels and then fails.
 */
export function nativeBindingPresent(pkg: string): boolean {
  let dir: string;
  try {
    dir = path.dirname(require.resolve(`${pkg}/package.json`));
  } catch {
    return false;
  }
  const lib = path.join(dir, 'lib');
  if (!fs.existsSync(lib)) return false;
  return fs
    .readdirSync(lib)
    .some((d) => d.startsWith('napi-v') && fs.existsSync(path.join(lib, d, 'tfjs_binding.node')));
}

async function tryNative(tf: typeof tfType, pkg: string, backendName: string): Promise<boolean> {
  if (!nativeBindingPresent(pkg)) return false;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require(pkg);
  } catch {
    return false;
  }
  try {
    return await tf.setBackend(backendName);
  } catch {
    return false;
  }
}

/** Directory holding the tfjs wasm binaries, with the trailing slash `setWasmPaths` needs. */
export function wasmDistDir(): string {
  const main = require.resolve('@tensorflow/tfjs-backend-wasm');
  return path.dirname(main) + path.sep;
}

async function initWasm(tf: typeof tfType): Promise<TrainingBackend> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const wasm = require('@tensorflow/tfjs-backend-wasm') as typeof import('@tensorflow/tfjs-backend-wasm');
  wasm.setWasmPaths(wasmDistDir());
  const ok = await tf.setBackend('wasm');
  if (!ok) throw new Error('initTrainingBackend: tf.setBackend("wasm") returned false (wasm binaries not found?)');
  await tf.ready();
  registerWasmGradKernels(tf);
  const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
  const threads = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
  return {
    tf,
    kind: 'tfjs-wasm',
    description: `tfjs-wasm ${tf.version_core} (${simd ? 'simd' : 'no simd'}, ${threads ? 'threads' : 'single thread'}, custom conv gradients)`,
  };
}

/**
 * Initialises (once per process) and returns the training backend. The first call decides;
 * later calls return the same result.
 */
export function initTrainingBackend(options: InitTrainingBackendOptions = {}): Promise<TrainingBackend> {
  if (!cached) {
    cached = (async () => {
      const tf = loadTf();
      if (!options.preferWasm) {
        if (await tryNative(tf, '@tensorflow/tfjs-node-gpu', 'tensorflow')) {
          return { tf, kind: 'tfjs-node-gpu', description: `tfjs-node-gpu ${tf.version_core} (libtensorflow, CUDA)` };
        }
        if (await tryNative(tf, '@tensorflow/tfjs-node', 'tensorflow')) {
          return { tf, kind: 'tfjs-node', description: `tfjs-node ${tf.version_core} (libtensorflow, CPU)` };
        }
      }
      return initWasm(tf);
    })();
    cached.catch(() => {
      cached = undefined;
    });
  }
  return cached;
}
