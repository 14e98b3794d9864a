import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { OnnxGraphBuilder } from './graph-builder';
import { createSession, openSessionCount, runSession } from './session';

function doubler(): Uint8Array {
  const g = new OnnxGraphBuilder({ name: 'doubler' });
  const x = g.input('x', ['N', 2]);
  g.output(g.mul(x, g.constFloat(2, [])), 'y', ['N', 2]);
  return g.toBytes();
}

describe('onnx sessions', () => {
  it('runs from bytes and from a file path, and leaves no session open', async () => {
    const before = openSessionCount();
    const bytes = doubler();
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'onnx-session-')), 'doubler.onnx');
    fs.writeFileSync(file, bytes);
    try {
      const s = await createSession(file, { threads: 1 });
      try {
        expect(s.inputNames).toEqual(['x']);
        expect(s.outputNames).toEqual(['y']);
        expect(openSessionCount()).toBe(before + 1);
        const { y } = await s.run({ x: { data: Float32Array.from([1, 2, 3, 4]), dims: [2, 2] } });
        expect(Array.from(y.data)).toEqual([2, 4, 6, 8]);
        expect(y.dims).toEqual([2, 2]);
      } finally {
        await s.release();
      }
      const once = await runSession(bytes, { x: { data: Float32Array.from([5, 6]), dims: [1, 2] } });
      expect(Array.from(once.y.data)).toEqual([10, 12]);
    } finally {
      fs.rmSync(path.dirname(file), { recursive: true, force: true });
    }
    expect(openSessionCount()).toBe(before);
  });

  it('releases idempotently, refuses runs after release, and frees the session when a run fails', async () => {
    const before = openSessionCount();
    const s = await createSession(doubler());
    await s.release();
    await s.release();
    await expect(s.run({ x: { data: new Float32Array(2), dims: [1, 2] } })).rejects.toThrow(/already released/);
    // wrong rank: onnxruntime rejects the feed; runSession must still release
    await expect(runSession(doubler(), { x: { data: new Float32Array(3), dims: [3] } })).rejects.toThrow();
    expect(openSessionCount()).toBe(before);
  });

  it('accepts int64 feeds (a Reshape target shape given at run time)', async () => {
    const g = new OnnxGraphBuilder();
    const x = g.input('x', [6]);
    const shape = g.input('shape', [2], 'int64');
    g.output(g.reshape(x, shape), 'y');
    const out = await runSession(g.toBytes(), {
      x: { data: Float32Array.from([1, 2, 3, 4, 5, 6]), dims: [6] },
      shape: { data: BigInt64Array.from([3n, 2n]), dims: [2] },
    });
    expect(out.y.dims).toEqual([3, 2]);
  });
});
