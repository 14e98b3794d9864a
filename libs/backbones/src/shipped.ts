import * as path from 'node:path';
import { DESCRIPTORS_DIR } from './paths';

/** Descriptor files shipped with the library, by name. */
export const SHIPPED_BACKBONES = {
  /** ResNet-50 v2 stages 1-3 from ../shared/backbones (development and benchmarks; not on npm). */
  'resnet50v2-stage1to3': path.join(DESCRIPTORS_DIR, 'resnet50v2-stage1to3.json'),
  /** MobileNetV2 from the nsfwjs npm package, converted at first use: the fresh-machine default. */
  'mobilenet-v2-nsfwjs': path.join(DESCRIPTORS_DIR, 'mobilenet-v2-nsfwjs.json'),
} as const;

export type ShippedBackboneName = keyof typeof SHIPPED_BACKBONES;

/** The backbone a fresh machine can always load (npm registry only). */
export const DEFAULT_BACKBONE: ShippedBackboneName = 'mobilenet-v2-nsfwjs';
