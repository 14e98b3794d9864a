import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import sharp from 'sharp';
import type { Log } from '../run/progress';

/** A written anomaly map: the image it belongs to (relPath in the data folder) and the PNG file. */
export interface AnomalyMapFile {
  readonly relPath: string;
  readonly file: string;
}

/**
 * Collects the anomaly maps of the evaluation's one scoring pass (`add`, as `evaluateFitted`'s `onMap`) and
 * writes each as an 8-bit grey PNG at the model's input size (`finish`). All maps of a run share one linear
 * scale (0 = the lowest, 255 = the highest map value over these images, recorded in `<outDir>/scale.json`),
 * so maps compare across images. Maps wait as raw float files until the scale is known, so memory holds none.
 */
export class AnomalyMapWriter {
  private lo = Infinity;
  private hi = -Infinity;
  private readonly pending: { relPath: string; raw: string }[] = [];

  constructor(
    private readonly outDir: string,
    private readonly width: number,
    private readonly height: number,
  ) {}

  readonly add = async (relPath: string, map: Float32Array): Promise<void> => {
    if (map.length !== this.width * this.height) throw new RangeError(`anomaly map of ${relPath}: ${map.length} values, expected ${this.width}x${this.height}`);
    if (this.pending.length === 0) await fs.mkdir(this.outDir, { recursive: true });
    for (const v of map) {
      if (v < this.lo) this.lo = v;
      if (v > this.hi) this.hi = v;
    }
    const raw = path.join(this.outDir, `${this.pending.length}.f32`);
    await fs.writeFile(raw, Buffer.from(map.buffer, map.byteOffset, map.byteLength));
    this.pending.push({ relPath, raw });
  };

  /** Writes every collected map as a PNG on the shared scale and removes the raw files. */
  async finish(log: Log): Promise<AnomalyMapFile[]> {
    const span = this.hi > this.lo ? this.hi - this.lo : 1;
    const files: AnomalyMapFile[] = [];
    for (const [i, p] of this.pending.entries()) {
      const buf = await fs.readFile(p.raw);
      const map = new Float32Array(buf.buffer, buf.byteOffset, this.width * this.height);
      const grey = Uint8Array.from(map, (v) => Math.round(((v - this.lo) / span) * 255));
      const file = path.join(this.outDir, `${i}.png`);
      await sharp(grey, { raw: { width: this.width, height: this.height, channels: 1 } }).png().toFile(file);
      await fs.rm(p.raw);
      files.push({ relPath: p.relPath, file });
    }
    if (files.length > 0) {
      await fs.writeFile(path.join(this.outDir, 'scale.json'), JSON.stringify({ min: this.lo, max: this.hi, width: this.width, height: this.height }));
      log(`wrote ${files.length} anomaly maps (scale ${this.lo.toPrecision(4)}..${this.hi.toPrecision(4)})`);
    }
    return files;
  }
}
