/**
 * Greedy coreset step time, JS loop vs onnxruntime mat-vec, on random projected points.
 *   node -r @swc-node/register libs/patchcore/bench/coreset.bench.ts [--n 547232] [--dim 128] [--steps 40]
 * (547,232 = 698 magnetic_tile training images x 28 x 28 patches at 224 px.)
 */
import * as os from 'node:os';
import { SeededRandom } from '@defectlab/ml-core';
import { numberFlag, printJson, runBenchMain } from '@defectlab/ml-core/bench';
import { greedyCoreset } from '../src/coreset';

async function main(): Promise<void> {
  const n = numberFlag('n', 547232);
  const dim = numberFlag('dim', 128);
  const steps = numberFlag('steps', 40);
  const points = { data: new SeededRandom(1).normalArray(n * dim), dim };
  const result: Record<string, number> = {};
  for (const engine of ['js', 'onnxruntime'] as const) {
    // start points cost 1 step each; time 1 start point + `steps` steps, report per step
    const t = performance.now();
    await greedyCoreset(points, { count: steps, startPoints: 1, seed: 0, engine });
    result[`${engine}MsPerStep`] = (performance.now() - t) / (steps + 1);
  }
  printJson({ n, dim, steps, cpus: os.cpus().length, cpu: os.cpus()[0]?.model, ...result });
}

runBenchMain(main);
