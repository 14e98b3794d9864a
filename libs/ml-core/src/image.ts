/**
 * A decoded 8-bit image in HWC order. Grayscale sources are expanded to 3 channels by the reader,
 * so models always see RGB.
 */
export interface DecodedImage {
  /** Interleaved RGB bytes, length = width * height * 3. */
  readonly data: Uint8Array;
  readonly width: number;
  readonly height: number;
}

/** A binary defect mask: 1 = defective pixel, 0 = normal; length = width * height. */
export interface BinaryMask {
  readonly data: Uint8Array;
  readonly width: number;
  readonly height: number;
}
