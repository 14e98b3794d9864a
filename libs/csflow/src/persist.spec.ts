import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CHECKPOINT_BIN, CheckpointMismatchError, readCheckpoint, writeCheckpoint } from './persist';

const IDENTITY = { preset: 'paper', shape: 'channels 304, hidden 8, kernels 3,3,3,5, batch 1, sides 24/12/6', fingerprint: 'f' };
const META = { identity: IDENTITY, epoch: 3, step: 12, rng: { seed: 5, nextEpoch: 3 }, lossCurve: [2.5, 1.25, 0.5] };

/** Tensors of odd lengths with distinct values, so a misplaced chunk shows. */
function tensors(): Map<string, Float32Array> {
  return new Map([
    ['w', Float32Array.from({ length: 7 }, (_, i) => i + 0.5)],
    ['w::m', Float32Array.from({ length: 13 }, (_, i) => -i / 3)],
    ['w::v', Float32Array.from({ length: 1 }, () => 1e-30)],
  ]);
}

describe('checkpoint v2 files', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'csflow-persist-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('round-trips every tensor exactly when the blob is written and read in chunks that split values', async () => {
    const saved = tensors();
    // 10-byte chunks: boundaries fall inside values and across tensors (the paper preset's 3.3 GB
    // blob is read in 256 MiB chunks: Node refuses a single read over 2 GiB)
    await writeCheckpoint(dir, saved, META, 10);
    expect(fs.statSync(path.join(dir, CHECKPOINT_BIN)).size).toBe(21 * 4);
    const back = await readCheckpoint(dir, IDENTITY, 10);
    expect(back?.meta).toMatchObject({ ...META, blobBytes: 84 });
    expect([...(back?.tensors.keys() ?? [])]).toEqual(['w', 'w::m', 'w::v']);
    for (const [name, t] of saved) expect(back?.tensors.get(name)).toEqual(t);
  });

  it('refuses a blob shorter than its index records (torn checkpoint)', async () => {
    await writeCheckpoint(dir, tensors(), META);
    fs.truncateSync(path.join(dir, CHECKPOINT_BIN), 40);
    const error = await readCheckpoint(dir, IDENTITY).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CheckpointMismatchError);
    expect((error as Error).message).toMatch(/40 bytes, its index expects 84 \(torn checkpoint\)/);
  });
});
