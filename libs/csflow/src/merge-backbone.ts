/**
 * Joins the backbone ONNX graph and the flow head into one self-contained graph. CS-Flow runs the
 * backbone at three input sizes, so its nodes are instantiated three times (values and node names
 * prefixed per scale, weights shared) — the shared graph builder has no way to instantiate a subgraph
 * more than once, hence this small protobuf-level helper.
 *
 * Inputs: `image0`, `image1`, `image2`, the normalised images at S, S/2, S/4 ([N, 3, Hs, Ws]; resizing
 * and normalisation stay outside, exactly as in `CsFlowModel.score`). Outputs: the head's outputs.
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

/**
 * @param backboneBytes the backbone's ONNX model (one float input, the named layer among its outputs)
 * @param headBytes the flow head from `buildFlowOnnx` (inputs feat0..feat2)
 * @param layer the backbone output feeding the head
 */
export function mergeBackboneAndHead(backboneBytes: Uint8Array, headBytes: Uint8Array, layer: string): Uint8Array {
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

  const nodes: onnx.INodeProto[] = [];
  const inputs: onnx.IValueInfoProto[] = [];
  for (let s = 0; s < 3; s++) {
    const imageName = `image${s}`;
    const rename = (v: string): string => (bInits.has(v) ? v : v === bInput ? imageName : `s${s}/${v}`);
    inputs.push({ ...bInputs[0], name: imageName, type: { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT, shape: { dim: [{ dimParam: 'N' }, { dimValue: 3 }, { dimParam: `H${s}` }, { dimParam: `W${s}` }] } } } });
    nodes.push(...needed.map((n, i) => renameNode(n, i, rename, `s${s}/`)));
  }

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
    graph: { name: 'csflow-with-backbone', node: nodes, initializer: initializers, input: inputs, output: hg.output ?? [] },
  });
  return onnx.ModelProto.encode(model).finish();
}
