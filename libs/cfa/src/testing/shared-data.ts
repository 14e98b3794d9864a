import * as fs from 'node:fs';
import * as path from 'node:path';

/** `../shared` beside the repository root (libs/cfa/src/testing -> repo root is 4 levels up). */
export const SHARED_DIR = path.resolve(__dirname, '..', '..', '..', '..', '..', 'shared');
export const RESNET_ONNX = path.join(SHARED_DIR, 'backbones', 'resnet50v2-stage1to3', 'resnet50v2_stage1to3.onnx');

/** `describe` when `file` exists, else `describe.skip` with a console note naming it. */
export function describeIfPresent(file: string): jest.Describe {
  if (fs.existsSync(file)) return describe;
  console.warn(`skipping tests that need ${file}: it is absent (place the repository beside ../shared)`);
  return describe.skip;
}
