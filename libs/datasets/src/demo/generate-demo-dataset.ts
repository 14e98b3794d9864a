import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import sharp from 'sharp';
import { z } from 'zod';
import type { BinaryMask, DecodedImage } from '@defectlab/ml-core';
import { createRng } from '../prng';
import type { Canvas } from './canvas';
import { FLEX_DEFECTS, renderFlex } from './flex';
import { LENS_DEFECTS, renderLens } from './lens';
import { renderSmt, SMT_DEFECTS } from './smt';

export const PRODUCT_LINES = ['lens', 'flex', 'smt'] as const;
export type ProductLine = (typeof PRODUCT_LINES)[number];

/** Defect types each product line can show. */
export const DEMO_DEFECT_TYPES: Record<ProductLine, readonly string[]> = {
  lens: LENS_DEFECTS,
  flex: FLEX_DEFECTS,
  smt: SMT_DEFECTS,
};

const RENDERERS: Record<ProductLine, (size: number, rng: ReturnType<typeof createRng>, defect: string | null, severity: number) => Canvas> = {
  lens: renderLens,
  flex: renderFlex,
  smt: renderSmt,
};

export const ZDemoConfig = z.object({
  productLine: z.enum(PRODUCT_LINES),
  seed: z.number().int().default(0),
  counts: z
    .object({
      trainGood: z.number().int().min(1).default(40),
      testGood: z.number().int().min(0).default(20),
      /** Defective test images, spread evenly over the product line's defect types. */
      testDefective: z.number().int().min(0).default(20),
    })
    .default({ trainGood: 40, testGood: 20, testDefective: 20 }),
  /** Square image side in pixels. */
  size: z.number().int().min(32).max(2048).default(256),
  /**
   * Share of defective images drawn faintly (severity uniform in [0.25, 0.6] instead of 1: lower contrast,
   * smaller shifts), so that miss rate and overkill trade off instead of separating perfectly. Default 0:
   * every defect at full strength (and images identical to those of earlier versions).
   */
  subtleFraction: z.number().min(0).max(1).default(0),
});
export type TDemoConfig = z.infer<typeof ZDemoConfig>;

export interface DemoSample {
  /** MVTec-style relative path, e.g. "test/scratch/003.png". */
  readonly relPath: string;
  readonly split: 'train' | 'test';
  readonly label: 'good' | 'defective';
  readonly defectType: string;
  readonly image: DecodedImage;
  /** Defect mask (null for good images). */
  readonly mask: BinaryMask | null;
  /** Defect strength in (0, 1]; 1 for full-strength defects and for good images. */
  readonly severity: number;
}

export interface DemoDataset {
  readonly config: TDemoConfig;
  readonly samples: DemoSample[];
}

/**
 * Generates a synthetic inspection data set deterministically from `seed`: each image has its own
 * generator seeded from (seed, split, class, index), so changing one count never changes other images.
 * When `outDir` is given, also writes an MVTec-AD-layout folder there (PNG images, 0/255 PNG masks).
 * Images are size x size RGB; masks have the same size.
 */
export async function generateDemoDataset(config: z.input<typeof ZDemoConfig>, outDir?: string): Promise<DemoDataset> {
  const cfg = ZDemoConfig.parse(config);
  const render = RENDERERS[cfg.productLine];
  const types = DEMO_DEFECT_TYPES[cfg.productLine];
  const samples: DemoSample[] = [];
  const make = (split: 'train' | 'test', cls: string, index: number): DemoSample => {
    const key = `${cfg.productLine}/${split}/${cls}/${index}`;
    const rng = createRng(mixSeed(cfg.seed, key));
    const defect = cls === 'good' ? null : cls;
    // a separate generator decides subtlety, so the image generator's sequence never changes
    const severityRng = createRng(mixSeed(cfg.seed, `${key}/severity`));
    const severity = defect && severityRng.next() < cfg.subtleFraction ? severityRng.uniform(0.25, 0.6) : 1;
    const cv = render(cfg.size, rng, defect, severity);
    return {
      relPath: `${split}/${cls}/${String(index).padStart(3, '0')}.png`,
      split,
      label: defect ? 'defective' : 'good',
      defectType: cls,
      image: cv.toImage(),
      mask: defect ? cv.toMask() : null,
      severity,
    };
  };
  for (let i = 0; i < cfg.counts.trainGood; i++) samples.push(make('train', 'good', i));
  for (let i = 0; i < cfg.counts.testGood; i++) samples.push(make('test', 'good', i));
  const perType = new Map<string, number>();
  for (let i = 0; i < cfg.counts.testDefective; i++) {
    const t = types[i % types.length];
    const k = perType.get(t) ?? 0;
    perType.set(t, k + 1);
    samples.push(make('test', t, k));
  }
  if (outDir) await writeDemoFolder(samples, outDir);
  return { config: cfg, samples };
}

/** Writes samples as an MVTec-AD-layout folder (images as PNG, masks under ground_truth as 0/255 PNG). */
export async function writeDemoFolder(samples: readonly DemoSample[], outDir: string): Promise<void> {
  for (const s of samples) {
    const file = path.join(outDir, s.relPath);
    await fs.mkdir(path.dirname(file), { recursive: true });
    await sharp(s.image.data, { raw: { width: s.image.width, height: s.image.height, channels: 3 } }).png().toFile(file);
    if (s.mask) {
      const stem = path.basename(s.relPath, '.png');
      const maskFile = path.join(outDir, 'ground_truth', s.defectType, `${stem}_mask.png`);
      await fs.mkdir(path.dirname(maskFile), { recursive: true });
      const bytes = Buffer.from(s.mask.data.map((v) => (v ? 255 : 0)));
      await sharp(bytes, { raw: { width: s.mask.width, height: s.mask.height, channels: 1 } }).png().toFile(maskFile);
    }
  }
}

/** FNV-1a of the seed and a key, as a 32-bit integer seed. */
function mixSeed(seed: number, key: string): number {
  let h = 0x811c9dc5;
  const s = `${seed}|${key}`;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h | 0;
}
