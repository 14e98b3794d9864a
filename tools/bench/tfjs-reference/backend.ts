/**
 * The TensorFlow.js backend of the reference implementation: the WebAssembly backend with our own
 * gradient kernels (wasm-grad-kernels.ts), the path CS-Flow and CFA trained on before the ONNX engine.
 * Only the bench's train-step section (its tfjs-wasm timing) and the parity specs of this folder use it;
 * the product trains on onnxruntime (libs/ml-core/src/training-graph).
 */
import * as path from 'node:path';
import type * as tfType from '@tensorflow/tfjs';
import { silenceNodeBackendAdvice } from './quiet-tfjs';
import { registerWasmGradKernels } from './wasm-grad-kernels';

export interface TfjsWasmBackend {
  /** The TensorFlow.js namespace, wasm backend active, our gradient kernels registered. */
  readonly tf: typeof tfType;
  /** e.g. "tfjs-wasm 4.22.0 (simd, single thread, custom conv gradients)", recorded as the bench entry's engine. */
  readonly description: string;
}

let cached: Promise<TfjsWasmBackend> | undefined;

/** Directory holding the tfjs wasm binaries, with the trailing slash `setWasmPaths` needs. */
export function wasmDistDir(): string {
  return path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm')) + path.sep;
}

async function initWasm(): Promise<TfjsWasmBackend> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const tf = require('@tensorflow/tfjs') as typeof tfType;
  silenceNodeBackendAdvice(tf);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const wasm = require('@tensorflow/tfjs-backend-wasm') as typeof import('@tensorflow/tfjs-backend-wasm');
  wasm.setWasmPaths(wasmDistDir());
  const ok = await tf.setBackend('wasm');
  if (!ok) throw new Error('initTfjsWasm: tf.setBackend("wasm") returned false (wasm binaries not found?)');
  await tf.ready();
  registerWasmGradKernels(tf);
  const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
  const threads = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
  return { tf, description: `tfjs-wasm ${tf.version_core} (${simd ? 'simd' : 'no simd'}, ${threads ? 'threads' : 'single thread'}, custom conv gradients)` };
}

/** Initialises the wasm backend once per process and returns it (later calls share the first result). */
export function initTfjsWasm(): Promise<TfjsWasmBackend> {
  if (!cached) {
    cached = initWasm();
    cached.catch(() => {
      cached = undefined;
    });
  }
  return cached;
}
