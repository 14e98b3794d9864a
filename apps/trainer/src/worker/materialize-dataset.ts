import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { listJobLabels, type TVersionLabel } from '@defectlab/contracts';
import type { WorkerApi } from './worker-api';

const EXTENSIONS: Record<string, string> = { 'image/png': '.png', 'image/jpeg': '.jpg', 'image/tiff': '.tif', 'image/bmp': '.bmp' };

/** The folder a dataset version was written to, and which image each file is. */
export interface MaterializedDataset {
  readonly dir: string;
  /** relPath in the written folder (e.g. "test/scratch/<imageId>.png") -> image id. */
  readonly imageIdOf: ReadonlyMap<string, string>;
  readonly images: number;
}

/** Where an image goes in MVTec layout under its label in this version (MVTec's train/ holds good images only). */
function classFolder(l: TVersionLabel): string {
  const cls = l.value === 'good' ? 'good' : (l.defectType ?? 'defective');
  return l.split === 'train' && l.value === 'good' ? 'train/good' : `test/${cls}`;
}

/**
 * Downloads every image (and mask) of a claimed run's dataset version through the API's job endpoints (`api`
 * from `forJob`) and writes it as an MVTec-layout
 * folder under its label in that version: train/good, test/good, test/<defect type> and
 * ground_truth/<defect type>/<name>_mask.png. Files are named by image id, so a relabeled image keeps its name
 * and the trainer's split rule (hashing the relative path) stays stable for unchanged images.
 */
export async function materializeDataset(api: WorkerApi, runId: string, versionId: string, dir: string, log: (line: string) => void): Promise<MaterializedDataset> {
  const labels: TVersionLabel[] = [];
  for (let page = 1; ; page++) {
    const res = await api.call(listJobLabels, { params: { runId }, query: { page, pageSize: 500 } });
    labels.push(...res.items);
    if (labels.length >= res.total || res.items.length === 0) break;
  }
  const imageIdOf = new Map<string, string>();
  let done = 0;
  for (const l of labels) {
    const blob = await api.downloadBlob(l.sha256);
    const ext = EXTENSIONS[blob.contentType.split(';')[0].trim()] ?? path.extname(l.relPath) ?? '.png';
    const rel = `${classFolder(l)}/${l.imageId}${ext}`;
    await fs.mkdir(path.join(dir, path.dirname(rel)), { recursive: true });
    await fs.writeFile(path.join(dir, rel), blob.bytes);
    imageIdOf.set(rel, l.imageId);
    if (l.value === 'defective' && l.maskSha256) {
      const mask = await api.downloadBlob(l.maskSha256);
      const maskRel = `ground_truth/${l.defectType ?? 'defective'}/${l.imageId}_mask${EXTENSIONS[mask.contentType.split(';')[0].trim()] ?? '.png'}`;
      await fs.mkdir(path.join(dir, path.dirname(maskRel)), { recursive: true });
      await fs.writeFile(path.join(dir, maskRel), mask.bytes);
    }
    if (++done % 100 === 0) log(`downloaded ${done}/${labels.length} images`);
  }
  log(`downloaded ${labels.length} images of version ${versionId} to ${dir}`);
  return { dir, imageIdOf, images: labels.length };
}
