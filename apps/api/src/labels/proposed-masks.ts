import { Inject, Injectable } from '@nestjs/common';
import { decodeImage, DatasetError } from '@defectlab/datasets';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/app-config';
import { assertPixelLimit, declaredDimensions } from '../datasets/import/image-dimensions';
import { sniffFormat } from '../datasets/import/validate-mvtec';
import { ARTIFACT_STORE, type ArtifactStore } from '../storage/artifact-store';
import { LabelsError } from './labels.errors';
import type { NewMask, ProposedImage } from './labels.repository';

/** The masks a relabeling batch brings (base64 in its proposals), checked against their images and stored. */
@Injectable()
export class ProposedMasks {
  constructor(
    @Inject(ARTIFACT_STORE) private readonly store: ArtifactStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Checks new masks and stores them (content-addressed) before the transaction: the size a mask declares in
   * its header is compared with its image (and the pixel limit) before anything is decoded, then it is decoded
   * to make sure it is a readable image.
   */
  async checkAndStore(changes: readonly { imageId: string; maskBase64?: string | null }[], images: ReadonlyMap<string, ProposedImage>): Promise<Map<number, NewMask>> {
    const out = new Map<number, NewMask>();
    for (const [i, c] of changes.entries()) {
      if (typeof c.maskBase64 !== 'string') continue;
      const where = `changes.${i}.maskBase64`;
      const bytes = /^[A-Za-z0-9+/]*={0,2}$/.test(c.maskBase64) ? Buffer.from(c.maskBase64, 'base64') : Buffer.alloc(0);
      const format = sniffFormat(bytes);
      if (!format) throw new LabelsError('INVALID_MASK', `${where}: not a base64 PNG, JPEG, TIFF or BMP image`, [{ path: where, message: 'not an image' }]);
      const declared = await declaredDimensions(bytes, format);
      assertPixelLimit(declared, where, this.config.storage.imageMaxPixels);
      const image = images.get(c.imageId);
      const sizeMismatch = (d: { width: number; height: number }) =>
        new LabelsError('MASK_SIZE_MISMATCH', `${where}: the mask is ${d.width}x${d.height} but ${image?.relPath} is ${image?.blob.width}x${image?.blob.height}`, [
          { path: where, message: `mask ${d.width}x${d.height}, image ${image?.blob.width}x${image?.blob.height}` },
        ]);
      if (declared && (!image || declared.width !== image.blob.width || declared.height !== image.blob.height)) throw sizeMismatch(declared);
      let decoded;
      try {
        decoded = await decodeImage(bytes, where);
      } catch (err) {
        if (err instanceof DatasetError) throw new LabelsError('INVALID_MASK', err.message, [{ path: where, message: err.message }]);
        throw err;
      }
      if (!image || decoded.width !== image.blob.width || decoded.height !== image.blob.height) throw sizeMismatch(decoded);
      const stored = await this.store.putBytes(bytes);
      out.set(i, { sha256: stored.sha256, bytes: bytes.length, format, width: decoded.width, height: decoded.height, storageKey: stored.key });
    }
    return out;
  }
}
