/** Why a dataset operation failed; callers may branch on it. */
export type DatasetErrorCode =
  | 'unreadable-image'
  | 'unsupported-format'
  | 'mask-size-mismatch'
  | 'empty-class-folder'
  | 'path-escape'
  | 'bad-layout'
  | 'bad-argument';

/** An error about dataset input. The message always names the offending file or folder. */
export class DatasetError extends Error {
  constructor(
    readonly code: DatasetErrorCode,
    readonly file: string,
    message: string,
  ) {
    super(`${file}: ${message}`);
    this.name = 'DatasetError';
  }
}
