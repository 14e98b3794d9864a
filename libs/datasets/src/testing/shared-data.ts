import * as fs from 'node:fs';
import * as path from 'node:path';

/** `../shared` beside the repository root (libs/datasets/src/testing -> repo root is 4 levels up). */
export const SHARED_DIR = path.resolve(__dirname, '..', '..', '..', '..', '..', 'shared');
export const MAGNETIC_TILE_DIR = path.join(SHARED_DIR, 'datasets', 'magnetic_tile');

/** `describe` when the magnetic_tile data set is present, else `describe.skip` with a console note. */
export function describeWithMagneticTile(): jest.Describe {
  if (fs.existsSync(MAGNETIC_TILE_DIR)) return describe;
  console.warn(`skipping magnetic_tile tests: ${MAGNETIC_TILE_DIR} is absent`);
  return describe.skip;
}
