/**
 * Keeps a run's training checkpoint on the API, so that a retry on another worker resumes where a dead
 * worker stopped. The model library writes `checkpoint.bin` then `checkpoint.json` (each by rename) into a
 * folder; this uploads the folder as a `checkpoint` artifact whenever a complete new pair appears, and
 * restores the newest one before a retried attempt starts.
 */
import { promises as fs, type Stats } from 'node:fs';
import path from 'node:path';
import { tarFolder, untarInto } from './tar';

const META = 'checkpoint.json';
const DATA = 'checkpoint.bin';

async function statOrNull(file: string): Promise<Stats | null> {
  return fs.stat(file).catch(() => null);
}

/** The epoch a checkpoint folder says it completed, or null when it holds none. */
export async function checkpointEpoch(dir: string): Promise<number | null> {
  try {
    const meta = JSON.parse(await fs.readFile(path.join(dir, META), 'utf8')) as { epoch?: unknown };
    return typeof meta.epoch === 'number' ? meta.epoch : null;
  } catch {
    return null;
  }
}

export class CheckpointSync {
  private uploadedMtimeMs = 0;
  private busy = false;

  /**
   * @param dir the folder the model writes its checkpoint into
   * @param scratch a file path for the tar being built or unpacked
   * @param upload stores the tar bytes as the run's newest checkpoint artifact
   */
  constructor(
    readonly dir: string,
    private readonly scratch: string,
    private readonly upload: (bytes: Buffer) => Promise<void>,
  ) {}

  /** Unpacks an earlier attempt's checkpoint into the folder; returns the epoch it had completed. */
  async restore(bytes: Uint8Array): Promise<number | null> {
    await untarInto(bytes, this.scratch, this.dir);
    this.uploadedMtimeMs = (await statOrNull(path.join(this.dir, META)))?.mtimeMs ?? 0;
    return checkpointEpoch(this.dir);
  }

  /**
   * Uploads the checkpoint when a complete new one is on disk; returns its epoch, or null when nothing was
   * sent (none yet, unchanged, half-written, or an upload already in flight). A pair whose data file is newer
   * than its metadata is being replaced and is skipped, as is one that changed while it was packed.
   */
  async syncIfChanged(): Promise<number | null> {
    if (this.busy) return null;
    this.busy = true;
    try {
      const meta = await statOrNull(path.join(this.dir, META));
      const data = await statOrNull(path.join(this.dir, DATA));
      if (!meta || !data || meta.mtimeMs <= this.uploadedMtimeMs || data.mtimeMs > meta.mtimeMs) return null;
      const bytes = await tarFolder(this.dir, this.scratch);
      const after = await statOrNull(path.join(this.dir, META));
      if (!after || after.mtimeMs !== meta.mtimeMs) return null;
      const epoch = await checkpointEpoch(this.dir);
      await this.upload(bytes);
      this.uploadedMtimeMs = meta.mtimeMs;
      return epoch;
    } finally {
      this.busy = false;
    }
  }
}
