import { addNearestNeighbours, addPointSet, createSession, OnnxGraphBuilder, type GraphPointSet, type OnnxSession } from '@defectlab/ml-core';
import type { RowMatrix } from './coreset';
import type { MemoryBank } from './memory-bank';

/** k nearest bank rows of each query: distances (Euclidean, ascending) and bank row indices, both [n, k]. */
export interface KnnResult {
  readonly distances: Float32Array;
  readonly indices: Int32Array;
  readonly k: number;
}

/** Exact k-nearest-neighbour search over a fixed memory bank. */
export interface NearestNeighbourIndex {
  readonly engine: 'onnxruntime' | 'js';
  /** @param queries [n, dim] @returns KnnResult with [n, k] arrays. */
  search(queries: RowMatrix, k: number): Promise<KnnResult>;
  dispose(): Promise<void>;
}

/** The bank as a graph point set (rows + squared norms as initializers). */
export function addMemoryBank(g: OnnxGraphBuilder, bank: MemoryBank): GraphPointSet {
  return addPointSet(g, 'memory_bank', bank.data, bank.size, bank.dim);
}

/** Exact Euclidean kNN of queries [n, D] against the bank in a graph (see ml-core addNearestNeighbours). */
export function addKnnToGraph(g: OnnxGraphBuilder, queries: string, bank: GraphPointSet, k: number): { distances: string; indices: string } {
  return addNearestNeighbours(g, queries, bank, k);
}

/**
 * Exact kNN as an onnxruntime graph (Gemm + TopK) with the bank baked in as an initializer, queried in
 * batches of `batchRows` rows (bounding the [rows, bankSize] distance matrix).
 */
export async function createOrtKnn(bank: MemoryBank, k: number, options: { threads?: number; batchRows?: number } = {}): Promise<NearestNeighbourIndex> {
  const g = new OnnxGraphBuilder({ name: 'patchcore-knn' });
  const q = g.input('queries', ['rows', bank.dim]);
  const { distances, indices } = addKnnToGraph(g, q, addMemoryBank(g, bank), k);
  g.output(distances, 'distances', ['rows', Math.min(k, bank.size)]);
  g.output(indices, 'indices', ['rows', Math.min(k, bank.size)], 'int64');
  const session: OnnxSession = await createSession(g.toBytes(), { threads: options.threads });
  const batchRows = options.batchRows ?? 1024;
  const kk = Math.min(k, bank.size);
  return {
    engine: 'onnxruntime',
    async search(queries, kQuery) {
      if (kQuery !== k) throw new RangeError(`OrtKnn: built for k=${k}, asked for ${kQuery}`);
      const n = queries.data.length / queries.dim;
      const dist = new Float32Array(n * kk);
      const idx = new Int32Array(n * kk);
      for (let start = 0; start < n; start += batchRows) {
        const rows = Math.min(batchRows, n - start);
        const out = await session.run({ queries: { data: queries.data.subarray(start * queries.dim, (start + rows) * queries.dim), dims: [rows, queries.dim] } });
        dist.set(out.distances.data, start * kk);
        idx.set(out.indices.data, start * kk);
      }
      return { distances: dist, indices: idx, k: kk };
    },
    dispose: () => session.release(),
  };
}

/**
 * Exact kNN in plain JavaScript: squared distances via precomputed norms and a 4-way unrolled dot
 * product, top-k by insertion. Single-threaded; used when onnxruntime is not wanted and as the
 * comparison point of the kNN benchmark.
 */
export function createJsKnn(bank: MemoryBank): NearestNeighbourIndex {
  const { data, dim, size } = bank;
  const norms = new Float64Array(size);
  for (let i = 0; i < size; i++) {
    let s = 0;
    for (let j = 0; j < dim; j++) s += data[i * dim + j] ** 2;
    norms[i] = s;
  }
  return {
    engine: 'js',
    async search(queries, k) {
      const n = queries.data.length / queries.dim;
      const kk = Math.min(k, size);
      const distances = new Float32Array(n * kk);
      const indices = new Int32Array(n * kk);
      const bestD = new Float64Array(kk);
      const bestI = new Int32Array(kk);
      for (let q = 0; q < n; q++) {
        const qo = q * dim;
        let qn = 0;
        for (let j = 0; j < dim; j++) qn += queries.data[qo + j] ** 2;
        bestD.fill(Infinity);
        bestI.fill(-1);
        for (let i = 0, mo = 0; i < size; i++, mo += dim) {
          let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
          let j = 0;
          for (; j + 3 < dim; j += 4) {
            s0 += queries.data[qo + j] * data[mo + j];
            s1 += queries.data[qo + j + 1] * data[mo + j + 1];
            s2 += queries.data[qo + j + 2] * data[mo + j + 2];
            s3 += queries.data[qo + j + 3] * data[mo + j + 3];
          }
          for (; j < dim; j++) s0 += queries.data[qo + j] * data[mo + j];
          const d2 = qn + norms[i] - 2 * (s0 + s1 + s2 + s3);
          if (d2 >= bestD[kk - 1]) continue;
          let p = kk - 1;
          while (p > 0 && bestD[p - 1] > d2) {
            bestD[p] = bestD[p - 1];
            bestI[p] = bestI[p - 1];
            p--;
          }
          bestD[p] = d2;
          bestI[p] = i;
        }
        for (let t = 0; t < kk; t++) {
          distances[q * kk + t] = Math.sqrt(Math.max(0, bestD[t]));
          indices[q * kk + t] = bestI[t];
        }
      }
      return { distances, indices, k: kk };
    },
    async dispose() {
      /* nothing native to free */
    },
  };
}

/** Creates the engine named in the config. */
export function createKnnIndex(engine: 'onnxruntime' | 'js', bank: MemoryBank, k: number, options: { threads?: number; batchRows?: number } = {}): Promise<NearestNeighbourIndex> {
  return engine === 'onnxruntime' ? createOrtKnn(bank, k, options) : Promise.resolve(createJsKnn(bank));
}
