import type * as tfType from '@tensorflow/tfjs';

/**
 * TensorFlow.js's pure-JS `cpu` backend prints "Hi, looks like you are running TensorFlow.js in Node.js. To
 * speed things up dramatically, install our node backend..." on its first tensor in Node. That advice is
 * wrong here: the native backends cannot install offline (issue 15) and the reference runs on the wasm
 * backend (backend.ts), so the line only alarms whoever runs the bench. It is printed once per backend instance, guarded
 * by the backend's `firstUse` flag (tfjs-backend-cpu 4.22 backend_cpu.js); clearing that flag silences exactly
 * this line and leaves every other TensorFlow.js warning in place (unlike `enableProdMode`).
 */
export function silenceNodeBackendAdvice(tf: typeof tfType): void {
  const cpu = tf.findBackend('cpu') as { firstUse?: boolean } | null;
  if (cpu && 'firstUse' in cpu) cpu.firstUse = false;
}
