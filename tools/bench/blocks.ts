/**
 * Building-block throughput. Decode + preprocess and backbone extraction come from libs/backbones'
 * bench (`runBackbonesBench`), metrics on 1 M scores from libs/metrics' bench (`runMetricsBench`): both run
 * as their own scripts in a child process (tools may import libraries, not their bench folders). The kNN
 * figure runs here, on the exact-kNN graph PatchCore scores with (libs/ml-core addPointSet +
 * addNearestNeighbours, the graph libs/patchcore's createOrtKnn builds) against a bank of the size a
 * PatchCore run of this report measured.
 */
import * as path from 'node:path';
import type { TBenchBlocks } from '@defectlab/contracts';
import { addNearestNeighbours, addPointSet, createSession, OnnxGraphBuilder, SeededRandom } from '@defectlab/ml-core';
import { failureReason, REPO_ROOT, runChild } from './child';

const BACKBONES_BENCH = path.join(REPO_ROOT, 'libs', 'backbones', 'bench', 'backbones.bench.ts');
const METRICS_BENCH = path.join(REPO_ROOT, 'libs', 'metrics', 'bench', 'metrics.bench.ts');

/** The last pretty-printed JSON object a bench script wrote on stdout (its log lines come before it). */
export function lastJsonObject(stdout: string): unknown {
  const lines = stdout.split('\n');
  for (let i = lines.length - 1; i >= 0; i--) {
    if (lines[i].startsWith('{')) {
      try {
        return JSON.parse(lines.slice(i).join('\n'));
      } catch {
        // an earlier '{' line may start the object
      }
    }
  }
  throw new Error('no JSON object on stdout');
}

interface BackbonesBenchJson {
  decode: { source: string; images: number; imagesPerSecond: number; targetSize: number };
  extraction: { backbone: string; size: number; threads: number; msMedian: number; msMin: number; runs: number }[];
  skipped: string[];
}

/** Decode + preprocess and backbone ms/image (libs/backbones bench; `quick` = its --quick: 256 only, 1 thread). */
export async function backboneBlocks(quick: boolean, timeoutMs: number, log: (l: string) => void): Promise<Pick<TBenchBlocks, 'decode' | 'backbone'>> {
  const r = await runChild(BACKBONES_BENCH, quick ? ['--quick'] : [], { timeoutMs, onLine: log });
  try {
    if (r.process.exitCode !== 0) throw new Error(failureReason(r, timeoutMs));
    const j = lastJsonObject(r.stdout) as BackbonesBenchJson;
    return {
      decode: { status: 'ok', error: null, source: j.decode.source, images: j.decode.images, targetSize: j.decode.targetSize, imagesPerSecond: j.decode.imagesPerSecond },
      backbone: {
        status: 'ok',
        error: null,
        figures: j.extraction.map((e) => ({ backbone: e.backbone, size: e.size, threads: e.threads, msPerImageMedian: e.msMedian, msPerImageMin: e.msMin, runs: e.runs })),
        skipped: j.skipped,
      },
    };
  } catch (e) {
    const error = `libs/backbones bench: ${(e as Error).message}`;
    return {
      decode: { status: 'failed', error, source: null, images: 0, targetSize: 256, imagesPerSecond: null },
      backbone: { status: 'failed', error, figures: [], skipped: [] },
    };
  }
}

/** AUROC + operating points on `n` scores (libs/metrics bench). */
export async function metricsBlock(n: number, timeoutMs: number): Promise<TBenchBlocks['metrics']> {
  const r = await runChild(METRICS_BENCH, [String(n)], { timeoutMs });
  try {
    if (r.process.exitCode !== 0) throw new Error(failureReason(r, timeoutMs));
    const j = lastJsonObject(r.stdout) as { n: number; aurocAndOperatingPointsMs: number; aurocMs: number; fitOperatingPointsMs: number; applyToTestMs: number };
    return { status: 'ok', error: null, n: j.n, aurocAndOperatingPointsMs: j.aurocAndOperatingPointsMs, aurocMs: j.aurocMs, fitOperatingPointsMs: j.fitOperatingPointsMs, applyToTestMs: j.applyToTestMs };
  } catch (e) {
    return { status: 'failed', error: `libs/metrics bench: ${(e as Error).message}`, n, aurocAndOperatingPointsMs: null, aurocMs: null, fitOperatingPointsMs: null, applyToTestMs: null };
  }
}

/** The bank a kNN figure is measured against. */
export interface KnnBankSize {
  readonly rows: number;
  readonly dim: number;
  /** Query rows per image (the feature grid), e.g. 28 x 28 = 784 at 224 px. */
  readonly queries: number;
  readonly source: string;
}

/**
 * Exact kNN (k = 9, PatchCore's default) of one image's patches against a random bank of the given size,
 * on onnxruntime (1 intra-op thread, as PatchCore runs it), after one warm-up call; `repeats` timed calls,
 * the median reported.
 */
export async function knnBlock(size: KnnBankSize, repeats = 5, k = 9): Promise<TBenchBlocks['knn']> {
  try {
    const rng = new SeededRandom(7);
    const bank = rng.normalArray(size.rows * size.dim);
    const queries = rng.normalArray(size.queries * size.dim);
    const g = new OnnxGraphBuilder({ name: 'bench-knn' });
    const q = g.input('queries', ['rows', size.dim]);
    const kk = Math.min(k, size.rows);
    const { distances, indices } = addNearestNeighbours(g, q, addPointSet(g, 'memory_bank', bank, size.rows, size.dim), kk);
    g.output(distances, 'distances', ['rows', kk]);
    g.output(indices, 'indices', ['rows', kk], 'int64');
    const session = await createSession(g.toBytes(), { threads: 1 });
    try {
      const input = { queries: { data: queries, dims: [size.queries, size.dim] } };
      await session.run(input);
      const ms: number[] = [];
      for (let i = 0; i < repeats; i++) {
        const t0 = performance.now();
        await session.run(input);
        ms.push(performance.now() - t0);
      }
      ms.sort((a, b) => a - b);
      const median = ms[Math.floor(ms.length / 2)];
      return {
        status: 'ok',
        error: null,
        figures: [{ engine: 'onnxruntime (Gemm + TopK, 1 thread)', bankRows: size.rows, dim: size.dim, bankSource: size.source, k: kk, queries: size.queries, queriesPerSecond: size.queries / (median / 1000) }],
      };
    } finally {
      await session.release();
    }
  } catch (e) {
    return { status: 'failed', error: `kNN: ${(e as Error).message}`, figures: [] };
  }
}
