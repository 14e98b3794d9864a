import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readTrainingCheckpoint, writeTrainingCheckpoint } from '@defectlab/ml-core';
import { CheckpointSync } from './checkpoint-sync';

/** Writes a checkpoint pair the way libs/csflow does: data file first, then the metadata. */
async function writePair(dir: string, epoch: number, data: string): Promise<void> {
  await fs.mkdir(dir, { recursive: true });
  await fs.writeFile(path.join(dir, 'checkpoint.bin'), data);
  await new Promise((r) => setTimeout(r, 15));
  await fs.writeFile(path.join(dir, 'checkpoint.json'), JSON.stringify({ epoch }));
}

describe('CheckpointSync', () => {
  let tmp: string;
  beforeEach(async () => (tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'defectlab-ckpt-'))));
  afterEach(() => fs.rm(tmp, { recursive: true, force: true }));

  it('uploads each new complete checkpoint once, and a retry restores it on another machine', async () => {
    const uploads: Buffer[] = [];
    const sync = new CheckpointSync(path.join(tmp, 'a'), path.join(tmp, 'a.tar'), async (b) => void uploads.push(b));
    expect(await sync.syncIfChanged()).toBeNull(); // nothing written yet
    await writePair(sync.dir, 1, 'weights-1');
    expect(await sync.syncIfChanged()).toBe(1);
    expect(await sync.syncIfChanged()).toBeNull(); // unchanged
    await writePair(sync.dir, 2, 'weights-2');
    expect(await sync.syncIfChanged()).toBe(2);
    expect(uploads).toHaveLength(2);

    const restored = new CheckpointSync(path.join(tmp, 'b'), path.join(tmp, 'b.tar'), async () => undefined);
    expect(await restored.restore(uploads[1])).toBe(2);
    expect(await fs.readFile(path.join(tmp, 'b', 'checkpoint.bin'), 'utf8')).toBe('weights-2');
    expect(await restored.syncIfChanged()).toBeNull(); // what was restored is not sent back
  });

  it('skips a pair whose data file is newer than its metadata (being replaced)', async () => {
    const uploads: Buffer[] = [];
    const sync = new CheckpointSync(path.join(tmp, 'c'), path.join(tmp, 'c.tar'), async (b) => void uploads.push(b));
    await writePair(sync.dir, 1, 'weights-1');
    await new Promise((r) => setTimeout(r, 15));
    await fs.writeFile(path.join(sync.dir, 'checkpoint.bin'), 'weights-2, metadata not yet renamed');
    expect(await sync.syncIfChanged()).toBeNull();
    expect(uploads).toHaveLength(0);
  });

  it('uploads and restores the checkpoint pair the ONNX-engine models write (libs/ml-core, used by fastflow and cflow)', async () => {
    const uploads: Buffer[] = [];
    const sync = new CheckpointSync(path.join(tmp, 'd'), path.join(tmp, 'd.tar'), async (b) => void uploads.push(b));
    const states = [{ step: 3, tensors: new Map([['w', Float32Array.of(1, 2, 3)]]) }];
    await writeTrainingCheckpoint(sync.dir, { format: 'f', identity: 'i', epoch: 3, states });
    expect(await sync.syncIfChanged()).toBe(3);
    const restored = new CheckpointSync(path.join(tmp, 'e'), path.join(tmp, 'e.tar'), async () => undefined);
    expect(await restored.restore(uploads[0])).toBe(3);
    expect((await readTrainingCheckpoint(restored.dir, 'f', 'i'))?.states[0].tensors.get('w')).toEqual(Float32Array.of(1, 2, 3));
  });
});
