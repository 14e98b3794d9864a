import { promises as fs } from 'node:fs';
import { cropRaster, centerCropBox, decodeImage, resizeImage, sha256Bytes, toNormalizedBatch } from '@defectlab/datasets';
import type { DecodedImage, FeatureExtractor, Tensor } from '@defectlab/ml-core';
import { FeatureCache, ZPreprocessConfig, type TPreprocessConfig } from './feature-cache';

/** An image given as a file path (hashed by its bytes) or already decoded (hashed by size + pixels). */
export type ImageSource = string | DecodedImage;

export interface ExtractOptions {
  readonly preprocess: TPreprocessConfig;
  /** Layers to extract (default: the extractor's layers). */
  readonly layers?: readonly string[];
  /** Images per backbone call (default 8). */
  readonly batchSize?: number;
  /** Cache on disk; omit to always extract. */
  readonly cache?: FeatureCache;
  /** Called after the cache lookup and after every backbone batch with images done so far / total. */
  readonly onProgress?: (done: number, total: number) => void;
}

export interface ExtractResult {
  /** Layer name -> [N, C, h, w] in input order. */
  readonly features: Record<string, Tensor>;
  /** Images served from the cache / extracted now. */
  readonly hits: number;
  readonly misses: number;
}

/** The sha256 identifying an image in the feature cache. */
export async function imageSha256(src: ImageSource): Promise<string> {
  if (typeof src === 'string') return sha256Bytes(await fs.readFile(src));
  const header = new Uint8Array(new Uint32Array([src.width, src.height]).buffer);
  const both = new Uint8Array(header.length + src.data.length);
  both.set(header);
  both.set(src.data, header.length);
  return sha256Bytes(both);
}

/**
 * Decodes, resizes (stretch or letterbox, then optional centre crop) one image to the backbone input.
 * @returns HWC RGB uint8 of the configured input size.
 */
export async function preprocessImage(src: ImageSource, config: TPreprocessConfig): Promise<DecodedImage> {
  const c = ZPreprocessConfig.parse(config);
  const img = typeof src === 'string' ? await decodeImage(await fs.readFile(src), src) : src;
  let out = img.width === c.width && img.height === c.height ? img : await resizeImage(img, { width: c.width, height: c.height, mode: c.mode });
  if (c.centerCrop) out = cropRaster(out, centerCropBox(out.width, out.height, c.centerCrop.width, c.centerCrop.height));
  return out;
}

/**
 * Extracts backbone features for a list of images, reading and writing the on-disk cache keyed by
 * (backbone sha256, preprocessing config + normalisation, image sha256), so several models trained on one
 * data set extract once.
 * @returns per layer a [N, C, h, w] float32 tensor (N = images.length, input order).
 */
export async function extractFeatures(extractor: FeatureExtractor, images: readonly ImageSource[], options: ExtractOptions): Promise<ExtractResult> {
  const config = ZPreprocessConfig.parse(options.preprocess);
  const layers = [...(options.layers ?? extractor.layers.map((l) => l.name))];
  const batchSize = options.batchSize ?? 8;
  const prepKey = FeatureCache.preprocessKey(config, extractor.normalization);
  const perImage: Record<string, Tensor>[] = new Array(images.length);
  const shas = await Promise.all(images.map(imageSha256));
  const todo: number[] = [];
  let hits = 0;
  for (let i = 0; i < images.length; i++) {
    if (options.cache) {
      const got = await Promise.all(layers.map((l) => options.cache?.get(extractor.sha256, prepKey, shas[i], l) ?? null));
      if (got.every((t) => t !== null)) {
        perImage[i] = Object.fromEntries(layers.map((l, k) => [l, got[k] as Tensor]));
        hits++;
        continue;
      }
    }
    todo.push(i);
  }
  options.onProgress?.(hits, images.length);
  for (let start = 0; start < todo.length; start += batchSize) {
    const idx = todo.slice(start, start + batchSize);
    const inputs = [];
    for (const i of idx) inputs.push(await preprocessImage(images[i], config));
    const out = await extractor.extract(toNormalizedBatch(inputs, extractor.normalization), layers);
    for (let k = 0; k < idx.length; k++) {
      const one: Record<string, Tensor> = {};
      for (const l of layers) {
        const [, c, h, w] = out[l].dims;
        const size = c * h * w;
        one[l] = { data: out[l].data.slice(k * size, (k + 1) * size), dims: [1, c, h, w] };
        if (options.cache) await options.cache.put(extractor.sha256, prepKey, shas[idx[k]], l, one[l]);
      }
      perImage[idx[k]] = one;
    }
    options.onProgress?.(hits + Math.min(todo.length, start + batchSize), images.length);
  }
  const features: Record<string, Tensor> = {};
  for (const l of layers) {
    if (images.length === 0) {
      features[l] = { data: new Float32Array(0), dims: [0, 0, 0, 0] };
      continue;
    }
    const [, c, h, w] = perImage[0][l].dims;
    const size = c * h * w;
    const data = new Float32Array(images.length * size);
    perImage.forEach((f, i) => data.set(f[l].data, i * size));
    features[l] = { data, dims: [images.length, c, h, w] };
  }
  return { features, hits, misses: todo.length };
}
