import type { Readable } from 'node:stream';

/** Where an object landed in the store. */
export interface StoredObject {
  /** Storage key, e.g. "sha256/ab/ab12...": what Blob.storageKey and Artifact.storageKey hold. */
  readonly key: string;
  readonly sha256: string;
  readonly bytes: number;
  /** False when the same content was already stored (content addressing deduplicates). */
  readonly created: boolean;
}

/**
 * Content-addressed object storage for images, masks and (later) run artifacts. Objects are immutable and
 * keyed by the sha256 of their bytes, so writing the same content twice stores it once. The local-disk
 * implementation is the embedded default; an S3-compatible one can implement the same interface.
 */
export interface ArtifactStore {
  /** e.g. "local disk at /srv/defectlab/.data/artifacts" */
  readonly description: string;
  /** The key content with this sha256 is stored under. */
  keyFor(sha256: string): string;
  /** Stores bytes (no-op when the same content is present). */
  putBytes(data: Uint8Array): Promise<StoredObject>;
  /**
   * Streams a file into the store, hashing on the way. With `expectedSha256`, a file whose content
   * differs (changed since it was validated) is refused with FileChangedError and nothing is kept.
   */
  putFile(file: string, expectedSha256?: string): Promise<StoredObject>;
  /**
   * Streams bytes (an HTTP request body) into the store, hashing on the way; nothing is buffered whole.
   * Beyond `maxBytes` the write stops at once with ObjectTooLargeError and nothing is kept.
   */
  putStream(source: AsyncIterable<Uint8Array>, options?: { maxBytes?: number }): Promise<StoredObject>;
  has(key: string): Promise<boolean>;
  read(key: string): Promise<Buffer>;
  openRead(key: string): Promise<Readable>;
  /** Copies an object to a local file (exports). */
  copyToFile(key: string, destination: string): Promise<void>;
}

/** putFile's content did not match the sha256 it was validated with. */
export class FileChangedError extends Error {
  override readonly name = 'FileChangedError';
  constructor(
    readonly file: string,
    readonly expected: string,
    readonly actual: string,
  ) {
    super(`${file} changed while it was being imported (sha256 ${actual}, validated as ${expected})`);
  }
}

/** putStream's source went past its `maxBytes`. */
export class ObjectTooLargeError extends Error {
  override readonly name = 'ObjectTooLargeError';
  constructor(readonly maxBytes: number) {
    super(`the object is larger than ${maxBytes} bytes`);
  }
}

/** DI token of the process's ArtifactStore. */
export const ARTIFACT_STORE = Symbol('ARTIFACT_STORE');
