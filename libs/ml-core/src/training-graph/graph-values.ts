import { onnx } from 'onnx-proto';
import type { OnnxGraphBuilder } from '../onnx';

/** A node of the graph being differentiated (the builder's protobuf form). */
export type GraphNode = onnx.INodeProto;

/** Reads attribute `name` of a node as a number (INT or FLOAT), or `fallback` when absent. */
export function attrNumber(node: GraphNode, name: string, fallback: number): number {
  const a = node.attribute?.find((x) => x.name === name);
  if (!a) return fallback;
  return a.type === onnx.AttributeProto.AttributeType.FLOAT ? Number(a.f ?? 0) : Number(a.i ?? 0);
}

/** Reads an INTS attribute, or `fallback` (undefined by default) when absent. */
export function attrInts(node: GraphNode, name: string): number[] | undefined;
export function attrInts(node: GraphNode, name: string, fallback: number[]): number[];
export function attrInts(node: GraphNode, name: string, fallback?: number[]): number[] | undefined {
  const a = node.attribute?.find((x) => x.name === name);
  return a ? (a.ints ?? []).map((v) => Number(v)) : fallback;
}

/** Reads a STRING attribute, or `fallback` when absent. */
export function attrString(node: GraphNode, name: string, fallback: string): string {
  const a = node.attribute?.find((x) => x.name === name);
  return a?.s ? new TextDecoder().decode(a.s) : fallback;
}

/** A human-readable name for error messages: `Conv "conv_3"`. */
export function describeNode(node: GraphNode): string {
  return `${node.opType ?? '?'} "${node.name ?? node.output?.[0] ?? '?'}"`;
}

/**
 * The values of a constant tensor (an initializer of the builder) as numbers, or undefined when
 * `name` is not an initializer (i.e. computed at run time). Reads FLOAT, DOUBLE, INT64 and INT32.
 */
export function constantValues(g: OnnxGraphBuilder, name: string): number[] | undefined {
  if (!name) return undefined;
  const t = g.initializerProto(name);
  if (!t) return undefined;
  const T = onnx.TensorProto.DataType;
  const raw = t.rawData;
  if (raw && raw.byteLength > 0) {
    const buf = raw.slice().buffer;
    switch (t.dataType) {
      case T.FLOAT:
        return Array.from(new Float32Array(buf));
      case T.DOUBLE:
        return Array.from(new Float64Array(buf));
      case T.INT64:
        return Array.from(new BigInt64Array(buf), (v) => Number(v));
      case T.INT32:
        return Array.from(new Int32Array(buf));
      default:
        return undefined;
    }
  }
  if (t.floatData?.length) return t.floatData.map(Number);
  if (t.doubleData?.length) return t.doubleData.map(Number);
  if (t.int64Data?.length) return t.int64Data.map((v) => Number(v));
  if (t.int32Data?.length) return t.int32Data.map(Number);
  return [];
}

/** Dims of an initializer, or undefined. */
export function initializerDims(g: OnnxGraphBuilder, name: string): number[] | undefined {
  const t = g.initializerProto(name);
  return t ? (t.dims ?? []).map((d) => Number(d)) : undefined;
}

/** Element type of an initializer: true when it is a floating-point tensor. */
export function isFloatInitializer(g: OnnxGraphBuilder, name: string): boolean {
  const T = onnx.TensorProto.DataType;
  const t = g.initializerProto(name);
  return !!t && (t.dataType === T.FLOAT || t.dataType === T.DOUBLE);
}

export function product(dims: readonly number[]): number {
  return dims.reduce((a, b) => a * b, 1);
}

/** Normalises a possibly negative axis against `rank`. */
export function normAxis(axis: number, rank: number): number {
  return axis < 0 ? axis + rank : axis;
}
