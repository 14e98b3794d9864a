/**
 * A packed 8-bit raster: `DecodedImage` (3 channels) and `BinaryMask` (1 channel) both fit.
 * Channels are inferred as data.length / (width * height).
 */
export interface Raster {
  readonly data: Uint8Array;
  readonly width: number;
  readonly height: number;
}

/** Channels per pixel of a raster (1 for masks, 3 for images). */
export function channelsOf(r: Raster): number {
  const c = r.data.length / (r.width * r.height);
  if (!Number.isInteger(c) || c < 1) throw new RangeError(`raster ${r.width}x${r.height} has ${r.data.length} bytes`);
  return c;
}
