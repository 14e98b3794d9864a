import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readFloatTensors, readTrainingCheckpoint, writeFloatTensors, writeTrainingCheckpoint } from './float-tensors';

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

  it('a checkpoint reads back as written; none is null; another format is refused', async () => {
    expect(await readTrainingCheckpoint(dir, 'ck', 'fmt-1')).toBeNull();
    const tensors = new Map([
      ['w', Float32Array.of(1, 2, 3)],
      ['w::m', Float32Array.of(0.1, 0.2, 0.3)],
    ]);
    await writeTrainingCheckpoint(dir, 'ck', 'fmt-1', 4, { step: 12, tensors });
    const back = await readTrainingCheckpoint(dir, 'ck', 'fmt-1');
    expect(back?.epoch).toBe(4);
    expect(back?.state.step).toBe(12);
    expect([...(back?.state.tensors.keys() ?? [])]).toEqual(['w', 'w::m']);
    expect(back?.state.tensors.get('w::m')).toEqual(tensors.get('w::m'));
    await expect(readTrainingCheckpoint(dir, 'ck', 'fmt-2')).rejects.toThrow(/format fmt-1, expected fmt-2/);
  });
});
