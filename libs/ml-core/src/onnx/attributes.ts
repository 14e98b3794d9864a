import { onnx } from 'onnx-proto';

/**
 * An ONNX node attribute with its type made explicit. JavaScript has one number type, but ONNX
 * distinguishes INT from FLOAT attributes (`alpha: 1` must be a FLOAT for LeakyRelu), so every
 * attribute passed to {@link OnnxGraphBuilder.node} is built with one of the `attr.*` helpers.
 */
export type AttributeValue =
  | { readonly kind: 'int'; readonly value: number }
  | { readonly kind: 'ints'; readonly value: readonly number[] }
  | { readonly kind: 'float'; readonly value: number }
  | { readonly kind: 'floats'; readonly value: readonly number[] }
  | { readonly kind: 'string'; readonly value: string };

/** Typed attribute constructors: `attr.int(1)`, `attr.floats([0.5, 0.5])`, `attr.string('linear')`. */
export const attr = {
  int: (value: number): AttributeValue => ({ kind: 'int', value: Math.trunc(value) }),
  ints: (value: readonly number[]): AttributeValue => ({ kind: 'ints', value: value.map((v) => Math.trunc(v)) }),
  float: (value: number): AttributeValue => ({ kind: 'float', value }),
  floats: (value: readonly number[]): AttributeValue => ({ kind: 'floats', value: [...value] }),
  string: (value: string): AttributeValue => ({ kind: 'string', value }),
};

/** Converts one named attribute to its protobuf form. */
export function toAttributeProto(name: string, a: AttributeValue): onnx.IAttributeProto {
  const T = onnx.AttributeProto.AttributeType;
  switch (a.kind) {
    case 'int':
      return { name, type: T.INT, i: a.value };
    case 'ints':
      return { name, type: T.INTS, ints: [...a.value] };
    case 'float':
      return { name, type: T.FLOAT, f: a.value };
    case 'floats':
      return { name, type: T.FLOATS, floats: [...a.value] };
    case 'string':
      return { name, type: T.STRING, s: new TextEncoder().encode(a.value) };
  }
}
