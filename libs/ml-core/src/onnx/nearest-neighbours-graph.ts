import type { OnnxGraphBuilder } from './graph-builder';

/** Names of a point set ("memory bank", "centres") stored in a graph: rows [M, D] and squared norms [1, M]. */
export interface GraphPointSet {
  readonly rows: string;
  readonly sqNorms: string;
  readonly size: number;
  readonly dim: number;
}

/** Adds `points` [size, dim] (row-major) and their squared norms as initializers. */
export function addPointSet(g: OnnxGraphBuilder, name: string, points: Float32Array, size: number, dim: number): GraphPointSet {
  const norms = new Float32Array(size);
  for (let i = 0; i < size; i++) {
    let s = 0;
    for (let j = 0; j < dim; j++) s += points[i * dim + j] ** 2;
    norms[i] = s;
  }
  return { rows: g.initializer(name, points, [size, dim]), sqNorms: g.initializer(`${name}_sq_norms`, norms, [1, size]), size, dim };
}

/**
 * Adds exact k-nearest-neighbour search to a graph: for queries [n, D] returns `distances` [n, k]
 * (ascending; Euclidean, or squared when `squared`) and int64 `indices` [n, k] into the point set.
 * Candidates come from |q|^2 + |p|^2 - 2 q.p (one Gemm) and TopK; the k selected distances are then
 * recomputed from the gathered rows, because the expansion loses precision by cancellation in float32.
 */
export function addNearestNeighbours(
  g: OnnxGraphBuilder,
  queries: string,
  points: GraphPointSet,
  k: number,
  squared = false,
): { distances: string; indices: string } {
  const cross = g.gemm(queries, points.rows, points.sqNorms, { transB: true, alpha: -2, beta: 1 }); // |p|^2 - 2 q.p
  const qNorms = g.reduceSum(g.mul(queries, queries), [1], true); // [n, 1]
  const d2 = g.relu(g.add(cross, qNorms));
  const [, indices] = g.topK(d2, Math.min(k, points.size), 1, false);
  const diff = g.sub(g.gather(points.rows, indices, 0), g.unsqueeze(queries, [1])); // [n, k, D]
  const sq = g.reduceSum(g.mul(diff, diff), [2], false);
  return { distances: squared ? sq : g.sqrt(sq), indices };
}
