import { attr, createSession, OnnxGraphBuilder, SeededRandom, type OnnxSession } from '@defectlab/ml-core';

/**
 * Approximate greedy coreset subsampling (PatchCore section 3.2, after Sener & Savarese's k-center
 * greedy): repeatedly add the point farthest from the current coreset, with distances measured after
 * a Johnson-Lindenstrauss random projection to a few dimensions. As in the reference code, the
 * running "distance to the coreset" starts as each point's mean distance to a few random start
 * points, so the first pick is already a far-out point.
 */

export interface CoresetOptions {
  /** Number of points to select (<= number of rows). */
  readonly count: number;
  /** JL projection dimension (paper: 128). When >= the feature dim, no projection is applied. */
  readonly projectionDim: number;
  /** Random start points used to initialise distances (reference: 10). */
  readonly startPoints: number;
  readonly seed: number;
  readonly onProgress?: (done: number, total: number) => void;
  readonly signal?: AbortSignal;
  /** onnxruntime threads for the projection MatMul and the greedy steps. */
  readonly threads?: number;
  /** Where the greedy steps run (default onnxruntime; 'js' is the plain loop). */
  readonly engine?: 'onnxruntime' | 'js';
}

/** Rows = `data.length / dim` vectors stored row-major in one buffer. */
export interface RowMatrix {
  readonly data: Float32Array;
  readonly dim: number;
}

/**
 * Gaussian JL matrix [inDim, outDim] with entries N(0, 1/outDim), so squared distances are preserved
 * in expectation. (The reference uses a randomly initialised torch Linear layer; any JL family will do.)
 */
export function jlProjectionMatrix(inDim: number, outDim: number, seed: number): Float32Array {
  return new SeededRandom(seed).normalArray(inDim * outDim, 1 / Math.sqrt(outDim));
}

/**
 * Projects rows [n, inDim] through `matrix` [inDim, outDim] with an onnxruntime MatMul (in batches of
 * `batchRows`), returning [n, outDim]. The session is released before returning.
 */
export async function projectRows(rows: RowMatrix, matrix: Float32Array, outDim: number, threads = 1, batchRows = 16384): Promise<RowMatrix> {
  const n = rows.data.length / rows.dim;
  const g = new OnnxGraphBuilder({ name: 'jl-projection' });
  const x = g.input('x', ['rows', rows.dim]);
  g.output(g.matMul(x, g.initializer('p', matrix, [rows.dim, outDim])), 'y', ['rows', outDim]);
  const session = await createSession(g.toBytes(), { threads });
  const out = new Float32Array(n * outDim);
  try {
    for (let start = 0; start < n; start += batchRows) {
      const count = Math.min(batchRows, n - start);
      const { y } = await session.run({ x: { data: rows.data.subarray(start * rows.dim, (start + count) * rows.dim), dims: [count, rows.dim] } });
      out.set(y.data, start * outDim);
    }
  } finally {
    await session.release();
  }
  return { data: out, dim: outDim };
}

/** Euclidean distance of every row of `points` to row `c` of `points`, folded into `minDist` by min. Returns argmax of the updated minDist. */
function foldDistances(points: RowMatrix, c: number, minDist: Float32Array): number {
  const { data, dim } = points;
  const n = minDist.length;
  const cOff = c * dim;
  let best = 0;
  let bestValue = -1;
  for (let i = 0, off = 0; i < n; i++, off += dim) {
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    let j = 0;
    for (; j + 3 < dim; j += 4) {
      const d0 = data[off + j] - data[cOff + j];
      const d1 = data[off + j + 1] - data[cOff + j + 1];
      const d2 = data[off + j + 2] - data[cOff + j + 2];
      const d3 = data[off + j + 3] - data[cOff + j + 3];
      s0 += d0 * d0;
      s1 += d1 * d1;
      s2 += d2 * d2;
      s3 += d3 * d3;
    }
    for (; j < dim; j++) {
      const d = data[off + j] - data[cOff + j];
      s0 += d * d;
    }
    const d = Math.sqrt(s0 + s1 + s2 + s3);
    const m = d < minDist[i] ? d : minDist[i];
    minDist[i] = m;
    if (m > bestValue) {
      bestValue = m;
      best = i;
    }
  }
  return best;
}

/**
 * One greedy step: folds the distances of every point to point `c` into the running minima `minDist`
 * [n] (in place or as a new array) and returns the updated minima with their argmax (the next pick).
 */
type GreedyStep = (c: number, minDist: Float32Array) => Promise<{ readonly minDist: Float32Array; readonly farthest: number }>;

/** The greedy selection's settings: {@link CoresetOptions} without the projection. */
export type GreedyOptions = Omit<CoresetOptions, 'projectionDim'>;

/**
 * The k-center greedy loop: initialise the running minima from the start points, then pick the
 * farthest point `count` times. Reports progress and yields to the event loop every 200 ms (so an
 * AbortSignal can fire); checks `signal` after every step.
 */
async function selectGreedily(n: number, step: GreedyStep, options: GreedyOptions): Promise<Int32Array> {
  const { count, onProgress, signal } = options;
  const starts = new SeededRandom(options.seed).sample(n, Math.min(options.startPoints, n));
  // minDist starts as the mean distance to the start points (reference: approximate anchor distances)
  const sum = new Float32Array(n);
  for (const s of starts) {
    const { minDist } = await step(s, new Float32Array(n).fill(Infinity));
    for (let i = 0; i < n; i++) sum[i] += minDist[i];
  }
  let minDist: Float32Array = sum.map((v) => v / starts.length);
  let next = 0;
  for (let i = 1; i < n; i++) if (minDist[i] > minDist[next]) next = i;

  const selected = new Int32Array(count);
  let lastYield = Date.now();
  for (let k = 0; k < count; k++) {
    selected[k] = next;
    ({ minDist, farthest: next } = await step(next, minDist));
    signal?.throwIfAborted();
    if (Date.now() - lastYield > 200) {
      onProgress?.(k + 1, count);
      await new Promise((r) => setImmediate(r));
      lastYield = Date.now();
    }
  }
  onProgress?.(count, count);
  return selected;
}

/**
 * One greedy step as an onnxruntime graph over the (projected) points [n, d], baked in as an
 * initializer: given the chosen point c [1, d] and the running minimum distances [n], returns the
 * updated minima and their argmax. A memory-bound mat-vec per step, several times faster than the JS
 * loop on large banks (see bench/coreset.bench.ts). Distances use |p|^2 + |c|^2 - 2 p.c (float32
 * cancellation only perturbs near-zero distances, which never win the argmax).
 */
async function createGreedyStepSession(points: RowMatrix, threads: number): Promise<OnnxSession> {
  const n = points.data.length / points.dim;
  const norms = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < points.dim; j++) s += points.data[i * points.dim + j] ** 2;
    norms[i] = s;
  }
  const g = new OnnxGraphBuilder({ name: 'coreset-greedy-step' });
  const c = g.input('c', [1, points.dim]);
  const minDist = g.input('min_dist', [n]);
  const dot = g.reshape(g.gemm(g.initializer('points', points.data, [n, points.dim]), c, undefined, { transB: true, alpha: -2 }), [-1]); // [n]
  const cNorm = g.reshape(g.reduceSum(g.mul(c, c), [1], false), [1]);
  const dist = g.sqrt(g.relu(g.add(g.add(g.initializer('norms', norms, [n]), cNorm), dot)));
  const updated = g.min(minDist, dist);
  g.output(updated, 'updated', [n]);
  g.output(g.op('ArgMax', [updated], { axis: attr.int(0), keepdims: attr.int(0) }), 'argmax', [], 'int64');
  return createSession(g.toBytes(), { threads });
}

/**
 * Greedy k-center selection on (already projected) points [n, dim]. Each step runs in onnxruntime
 * ({@link createGreedyStepSession}) or, with `engine: 'js'`, as a plain loop; both select the same
 * points up to float rounding ties.
 * @returns `options.count` distinct row indices in selection order.
 */
export async function greedyCoreset(points: RowMatrix, options: GreedyOptions): Promise<Int32Array> {
  const n = points.data.length / points.dim;
  if (options.count > n || options.count < 1) throw new RangeError(`greedyCoreset: count ${options.count} outside 1..${n}`);
  if (options.engine === 'js') {
    return selectGreedily(n, async (c, minDist) => ({ minDist, farthest: foldDistances(points, c, minDist) }), options);
  }
  const session = await createGreedyStepSession(points, options.threads ?? 1);
  try {
    const row = (i: number) => ({ data: points.data.subarray(i * points.dim, (i + 1) * points.dim), dims: [1, points.dim] });
    return await selectGreedily(
      n,
      async (c, minDist) => {
        const out = await session.run({ c: row(c), min_dist: { data: minDist, dims: [n] } });
        return { minDist: out.updated.data, farthest: out.argmax.data[0] };
      },
      options,
    );
  } finally {
    await session.release();
  }
}

/**
 * The full approximate greedy coreset: JL projection (onnxruntime MatMul) then greedy selection.
 * @param rows all training patch features [n, D].
 * @returns `options.count` row indices into `rows`.
 */
export async function approximateGreedyCoreset(rows: RowMatrix, options: CoresetOptions): Promise<Int32Array> {
  const projected =
    options.projectionDim < rows.dim
      ? await projectRows(rows, jlProjectionMatrix(rows.dim, options.projectionDim, options.seed), options.projectionDim, options.threads)
      : rows;
  options.signal?.throwIfAborted();
  return greedyCoreset(projected, { ...options, seed: options.seed + 1 });
}

/** Covering radius: the largest distance from any row of `rows` to its nearest row among `selected`. O(n * |selected| * D). */
export function coveringRadius(rows: RowMatrix, selected: ArrayLike<number>): number {
  const n = rows.data.length / rows.dim;
  const minDist = new Float32Array(n).fill(Infinity);
  for (let k = 0; k < selected.length; k++) foldDistances(rows, selected[k], minDist);
  let r = 0;
  for (let i = 0; i < n; i++) r = Math.max(r, minDist[i]);
  return r;
}
