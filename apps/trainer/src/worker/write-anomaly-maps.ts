import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { parseDescriptor } from '@defectlab/backbones';
import type { TSplitRule } from '@defectlab/contracts';
import type { AnomalyModel } from '@defectlab/ml-core';
import sharp from 'sharp';
import { openBackbone } from '../backbone/resolve-backbone';
import { loadModel } from '../model-registry';
import { loadInputImage } from '../run/load-images';
import type { Log } from '../run/progress';
import { MODEL_SUBDIR, type TRunManifest } from '../run/run-manifest';
import { readAndSplit } from '../run/split';

/** A written anomaly map: the image it belongs to (relPath in the data folder) and the PNG file. */
export interface AnomalyMapFile {
  readonly relPath: string;
  readonly file: string;
}

/**
 * Scores the validation and test images of a fitted run once more and writes each anomaly map as an 8-bit
 * grey PNG at the model's input size. All maps of a run share one linear scale (0 = the lowest, 255 = the
 * highest map value over these images, recorded in `<outDir>/scale.json`), so maps compare across images.
 * Maps are kept as raw float files between the two passes, so memory holds one batch.
 */
export async function writeAnomalyMaps(modelDir: string, manifest: TRunManifest, data: string, rule: TSplitRule, outDir: string, log: Log, backboneCacheDir?: string): Promise<AnomalyMapFile[]> {
  const rc = manifest.runConfig;
  const splits = await readAndSplit(data, rule);
  const records = [...splits.validation, ...splits.test];
  const backbone = await openBackbone(parseDescriptor(manifest.backboneDescriptor, 'run.json backboneDescriptor'), backboneCacheDir);
  let model: AnomalyModel | null = null;
  await fs.mkdir(outDir, { recursive: true });
  const hw = rc.input.width * rc.input.height;
  let lo = Infinity;
  let hi = -Infinity;
  try {
    model = await loadModel(rc.model, path.join(modelDir, MODEL_SUBDIR), backbone.extractor);
    for (let start = 0; start < records.length; start += 8) {
      const batch = records.slice(start, start + 8);
      const images = await Promise.all(batch.map((r) => loadInputImage(r, rc.input)));
      const out = await model.score(images);
      for (let k = 0; k < batch.length; k++) {
        const map = out.anomalyMaps.data.slice(k * hw, (k + 1) * hw) as Float32Array;
        for (const v of map) {
          if (v < lo) lo = v;
          if (v > hi) hi = v;
        }
        await fs.writeFile(path.join(outDir, `${start + k}.f32`), Buffer.from(map.buffer, map.byteOffset, map.byteLength));
      }
    }
  } finally {
    await model?.dispose();
    await backbone.extractor.dispose();
  }
  const span = hi > lo ? hi - lo : 1;
  const files: AnomalyMapFile[] = [];
  for (let i = 0; i < records.length; i++) {
    const raw = path.join(outDir, `${i}.f32`);
    const buf = await fs.readFile(raw);
    const map = new Float32Array(buf.buffer, buf.byteOffset, hw);
    const grey = Uint8Array.from(map, (v) => Math.round(((v - lo) / span) * 255));
    const file = path.join(outDir, `${i}.png`);
    await sharp(grey, { raw: { width: rc.input.width, height: rc.input.height, channels: 1 } }).png().toFile(file);
    await fs.rm(raw);
    files.push({ relPath: records[i].relPath, file });
  }
  await fs.writeFile(path.join(outDir, 'scale.json'), JSON.stringify({ min: lo, max: hi, width: rc.input.width, height: rc.input.height }));
  log(`wrote ${files.length} anomaly maps (scale ${lo.toPrecision(4)}..${hi.toPrecision(4)})`);
  return files;
}
