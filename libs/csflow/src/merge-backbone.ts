/**
 * Joins the backbone ONNX graph and the flow head into one self-contained graph. CS-Flow runs the
 * backbone at three input sizes, so its nodes are instantiated three times (values and node names
 * prefixed per scale, weights shared) — the shared graph builder has no way to instantiate a subgraph
 * more than once, hence this small protobuf-level helper.
 *
 * Input: the backbone's input (its name kept, as in every model's export), the normalised batch
 * [N, 3, S, S]; the scales S/2 and S/4 are it halved by 2x2 AveragePool, as features.ts's
 * `halveByAveraging` does for `CsFlowModel.score`. Outputs: the head's outputs.
 */
import { onnx } from 'onnx-proto';

/** Nodes needed to compute `target` (reverse reachability), in their original order. */
function nodesFor(nodes: readonly onnx.INodeProto[], target: string): onnx.INodeProto[] {
  const producer = new Map<string, number>();
  nodes.forEach((n, i) => (n.output ?? []).forEach((o) => producer.set(o, i)));
  const keep = new Set<number>();
  const stack = [target];
  while (stack.length > 0) {
    const v = stack.pop() as string;
    const i = producer.get(v);
    if (i === undefined || keep.has(i)) continue;
    keep.add(i);
    for (const inp of nodes[i].input ?? []) if (inp) stack.push(inp);
  }
  return nodes.filter((_, i) => keep.has(i));
}

function renameNode(n: onnx.INodeProto, index: number, rename: (v: string) => string, prefix: string): onnx.INodeProto {
  return {
    ...n,
    name: `${prefix}${n.name || `node${index}`}`,
    input: (n.input ?? []).map((v) => (v ? rename(v) : v)),
    output: (n.output ?? []).map(rename),
  };
}

/** A 2x2, stride-2 AveragePool node: the scale pyramid's halving step. */
function halvingNode(input: string, output: string): onnx.INodeProto {
  const ints = onnx.AttributeProto.AttributeType.INTS;
  return {
    name: `pyramid/${output}`,
    opType: 'AveragePool',
    input: [input],
    output: [output],
    attribute: [
      { name: 'kernel_shape', type: ints, ints: [2, 2] },
      { name: 'strides', type: ints, ints: [2, 2] },
    ],
  };
}

/**
 * @param backboneBytes the backbone's ONNX model (one float input, the named layer among its outputs)
 * @param headBytes the flow head on inputs feat0..feat2 (the backbone maps of the three scales)
 * @param layer the backbone output feeding the head
 * @param inputSize S, the side of the input batch
 */
export function mergeBackboneAndHead(backboneBytes: Uint8Array, headBytes: Uint8Array, layer: string, inputSize: number): Uint8Array {
  const bb = onnx.ModelProto.decode(backboneBytes);
  const head = onnx.ModelProto.decode(headBytes);
  const bg = bb.graph;
  const hg = head.graph;
  if (!bg || !hg) throw new Error('mergeBackboneAndHead: a model has no graph');
  const bInits = new Set((bg.initializer ?? []).map((t) => t.name ?? ''));
  const bInputs = (bg.input ?? []).filter((i) => !bInits.has(i.name ?? ''));
  if (bInputs.length !== 1) throw new Error(`mergeBackboneAndHead: backbone has ${bInputs.length} non-weight inputs, expected 1`);
  const bInput = bInputs[0].name ?? '';
  if (!(bg.output ?? []).some((o) => o.name === layer)) throw new Error(`mergeBackboneAndHead: backbone has no output "${layer}"`);
  const needed = nodesFor(bg.node ?? [], layer);

  const scaleInput = (s: number): string => (s === 0 ? bInput : `pyramid/scale${s}`);
  const nodes: onnx.INodeProto[] = [halvingNode(scaleInput(0), scaleInput(1)), halvingNode(scaleInput(1), scaleInput(2))];
  for (let s = 0; s < 3; s++) {
    const rename = (v: string): string => (bInits.has(v) ? v : v === bInput ? scaleInput(s) : `s${s}/${v}`);
    nodes.push(...needed.map((n, i) => renameNode(n, i, rename, `s${s}/`)));
  }
  const dim = (d: string | number): onnx.TensorShapeProto.IDimension => (typeof d === 'string' ? { dimParam: d } : { dimValue: d });
  const input: onnx.IValueInfoProto = {
    ...bInputs[0],
    type: { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT, shape: { dim: ['N', 3, inputSize, inputSize].map(dim) } } },
  };

  const hOutputs = new Set((hg.output ?? []).map((o) => o.name ?? ''));
  const renameHead = (v: string): string => {
    const m = /^feat([012])$/.exec(v);
    if (m) return `s${m[1]}/${layer}`;
    return hOutputs.has(v) ? v : `head/${v}`;
  };
  nodes.push(...(hg.node ?? []).map((n, i) => renameNode(n, i, renameHead, 'head/')));
  const initializers = [
    ...(bg.initializer ?? []),
    ...(hg.initializer ?? []).map((t) => ({ ...t, name: renameHead(t.name ?? '') })),
  ];

  const opset = Math.max(
    Number(bb.opsetImport.find((o) => !o.domain)?.version ?? 13),
    Number(head.opsetImport.find((o) => !o.domain)?.version ?? 13),
  );
  const model = onnx.ModelProto.create({
    irVersion: Math.max(Number(bb.irVersion ?? 8), Number(head.irVersion ?? 8)),
    producerName: 'defectlab',
    docString: head.docString ?? '',
    opsetImport: [{ domain: '', version: opset }],
    graph: { name: 'csflow-with-backbone', node: nodes, initializer: initializers, input: [input], output: hg.output ?? [] },
  });
  return onnx.ModelProto.encode(model).finish();
}
