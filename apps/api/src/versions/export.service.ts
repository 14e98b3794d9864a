import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import type { TExportResult } from '@defectlab/contracts';
import type { Logger } from 'pino';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG, LOGGER } from '../config/config.module';
import { isInside } from '../datasets/import/import-roots';
import { ARTIFACT_STORE, type ArtifactStore } from '../storage/artifact-store';
import { VersionsError, versionNotFound } from './versions.errors';
import { VersionsRepository } from './versions.repository';

const EXTENSIONS: Record<string, string> = { png: '.png', jpeg: '.jpg', tiff: '.tif', bmp: '.bmp' };

/**
 * Writes a dataset version as an MVTec-AD-layout folder: train/good, test/good, test/<defect type>,
 * ground_truth/<defect type>/<stem>_mask.<ext>, plus DEFECTLAB_EXPORT.json (the version, and per file its
 * source relPath, sha256 and label including the `uncertain` flag MVTec has no place for). Files are
 * copied byte for byte from the artifact store. The folder is written aside and renamed into place.
 */
@Injectable()
export class ExportService {
  constructor(
    private readonly repo: VersionsRepository,
    @Inject(ARTIFACT_STORE) private readonly store: ArtifactStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async export(versionId: string, requested: string): Promise<TExportResult> {
    const version = await this.repo.findForExport(versionId);
    if (!version) throw versionNotFound(versionId);
    const dest = await this.destination(requested);

    const labels = await this.repo.labelsForExport(versionId);

    const staging = `${dest}.partial-${randomBytes(6).toString('hex')}`;
    const taken = new Set<string>();
    const movedToTest: string[] = [];
    const renamed: { from: string; to: string }[] = [];
    const files: { relPath: string; sourceRelPath: string; sha256: string; value: string; defectType: string | null; uncertain: boolean; mask: string | null }[] = [];
    const copies: { key: string; to: string }[] = [];
    let masks = 0;
    for (const l of labels) {
      const source = l.image.relPath;
      const folder = l.value === 'good' ? (l.image.split === 'train' ? 'train/good' : 'test/good') : `test/${l.defectType}`;
      if (l.value === 'defective' && l.image.split === 'train') movedToTest.push(source);
      if (l.value === 'good' && l.image.split === 'validation') movedToTest.push(source);
      const ext = path.posix.extname(source) || EXTENSIONS[l.image.blob.format] || '';
      const base = path.posix.basename(source, path.posix.extname(source));
      let stem = base;
      if (taken.has(`${folder}/${stem}`)) {
        const origin = path.posix.dirname(source).split('/').join('_');
        stem = `${origin}__${base}`;
        for (let n = 2; taken.has(`${folder}/${stem}`); n++) stem = `${origin}__${base}_${n}`;
      }
      taken.add(`${folder}/${stem}`);
      const relPath = `${folder}/${stem}${ext}`;
      if (stem !== base) renamed.push({ from: source, to: relPath });
      copies.push({ key: l.image.blob.storageKey, to: relPath });
      let maskRel: string | null = null;
      if (l.value === 'defective' && l.mask) {
        maskRel = `ground_truth/${l.defectType}/${stem}_mask${EXTENSIONS[l.mask.format] ?? '.png'}`;
        copies.push({ key: l.mask.storageKey, to: maskRel });
        masks++;
      }
      files.push({ relPath, sourceRelPath: source, sha256: l.image.blob.sha256, value: l.value, defectType: l.defectType, uncertain: l.uncertain, mask: maskRel });
    }

    try {
      const folders = new Set(copies.map((c) => path.posix.dirname(c.to)));
      for (const f of folders) await fs.mkdir(path.join(staging, ...f.split('/')), { recursive: true });
      let next = 0;
      const worker = async () => {
        for (let i = next++; i < copies.length; i = next++) {
          await this.store.copyToFile(copies[i].key, path.join(staging, ...copies[i].to.split('/')));
        }
      };
      await Promise.all(Array.from({ length: 4 }, worker));
      const manifest = {
        exportedBy: 'DefectLab',
        exportedAt: new Date().toISOString(),
        dataset: version.dataset,
        version: { id: version.id, number: version.number },
        files,
      };
      await fs.writeFile(path.join(staging, 'DEFECTLAB_EXPORT.json'), JSON.stringify(manifest, null, 2));
      await fs.rename(staging, dest);
    } catch (err) {
      await fs.rm(staging, { recursive: true, force: true });
      if ((err as NodeJS.ErrnoException).code === 'ENOTEMPTY' || (err as NodeJS.ErrnoException).code === 'EEXIST') {
        throw new VersionsError('EXPORT_EXISTS', `"${requested}" already exists under the export root`);
      }
      throw err;
    }
    this.logger.info({ versionId, dest, images: labels.length, masks }, 'exported dataset version');
    return { path: dest, version: { id: version.id, number: version.number }, images: labels.length, masks, movedToTest, renamed };
  }

  /** The export folder: relative to the export root, no "..", not existing yet, parents not escaping by symlink. */
  private async destination(requested: string): Promise<string> {
    if (requested.includes('\0') || path.isAbsolute(requested) || requested.split(/[\\/]+/).includes('..')) {
      throw new VersionsError('PATH_NOT_ALLOWED', `"${requested}": give a folder relative to the export root, without ".."`);
    }
    const root = this.config.storage.exportRoot;
    await fs.mkdir(root, { recursive: true });
    const dest = path.resolve(root, requested);
    if (dest === path.resolve(root) || !isInside(root, dest)) throw new VersionsError('PATH_NOT_ALLOWED', `"${requested}" is not a folder below the export root`);
    await fs.mkdir(path.dirname(dest), { recursive: true });
    const realParent = await fs.realpath(path.dirname(dest));
    if (!isInside(await fs.realpath(root), realParent)) {
      throw new VersionsError('PATH_NOT_ALLOWED', `"${requested}" leads through a symbolic link out of the export root`);
    }
    const exists = await fs.lstat(dest).then(() => true, () => false);
    if (exists) throw new VersionsError('EXPORT_EXISTS', `"${requested}" already exists under the export root`);
    return dest;
  }
}
