import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CHECKPOINT_BIN, CHECKPOINT_JSON, CheckpointMismatchError, readFloatTensors, readTrainingCheckpoint, writeFloatTensors, writeTrainingCheckpoint } from './float-tensors';

describe('float32 tensor files and training checkpoints', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'float-tensors-'));
  });
  afterAll(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('round-trips arrays bit for bit (NaN payloads, -0, extremes) and refuses a size that does not match', async () => {
    const a = Float32Array.of(1.5, -0, NaN, Infinity, 3.4028234663852886e38, 1e-45);
    const b = new Float32Array(0);
    const c = Float32Array.of(-7);
    const file = path.join(dir, 't.f32');
    await writeFloatTensors(file, [a, b, c]);
    const [ra, rb, rc] = await readFloatTensors(file, [6, 0, 1]);
    expect(new Uint8Array(ra.buffer)).toEqual(new Uint8Array(a.buffer));
    expect(rb).toHaveLength(0);
    expect(Array.from(rc)).toEqual([-7]);
    await expect(readFloatTensors(file, [6, 2])).rejects.toThrow(/28 bytes, expected 32/);
  });

  it('a checkpoint pair reads back as written (several sessions); none is null', async () => {
    const ck = path.join(dir, 'ck');
    expect(await readTrainingCheckpoint(ck, 'fmt-1', 'id')).toBeNull();
    const a = { step: 12, tensors: new Map([['w', Float32Array.of(1, 2, 3)], ['w::m', Float32Array.of(0.1, 0.2, 0.3)]]) };
    const b = { step: 7, tensors: new Map([['v', Float32Array.of(-1)]]) };
    await writeTrainingCheckpoint(ck, { format: 'fmt-1', identity: 'id', epoch: 4, states: [a, b] });
    expect((await fs.readdir(ck)).sort()).toEqual([CHECKPOINT_BIN, CHECKPOINT_JSON]);
    const back = await readTrainingCheckpoint(ck, 'fmt-1', 'id');
    expect(back?.epoch).toBe(4);
    expect(back?.states.map((s) => s.step)).toEqual([12, 7]);
    expect([...(back?.states[0].tensors.keys() ?? [])]).toEqual(['w', 'w::m']);
    expect(back?.states[0].tensors.get('w::m')).toEqual(a.tensors.get('w::m'));
    expect(back?.states[1].tensors.get('v')).toEqual(b.tensors.get('v'));
  });

  it('refuses a checkpoint of another format or configuration, and a torn pair', async () => {
    const ck = path.join(dir, 'ck2');
    await writeTrainingCheckpoint(ck, { format: 'fmt-1', identity: '{"hiddenRatio":1}', epoch: 1, states: [{ step: 1, tensors: new Map([['w', Float32Array.of(1, 2)]]) }] });
    await expect(readTrainingCheckpoint(ck, 'fmt-2', '{"hiddenRatio":1}')).rejects.toThrow(CheckpointMismatchError);
    await expect(readTrainingCheckpoint(ck, 'fmt-1', '{"hiddenRatio":0.5}')).rejects.toThrow(/another configuration.*refusing to resume/);
    await fs.writeFile(path.join(ck, CHECKPOINT_BIN), new Uint8Array(4));
    await expect(readTrainingCheckpoint(ck, 'fmt-1', '{"hiddenRatio":1}')).rejects.toThrow(/torn checkpoint/);
  });
});
