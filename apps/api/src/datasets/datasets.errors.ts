import { AppError, type AppErrorCode } from '../errors/app-error';

/** The codes of datasets, images, blobs and imports (statuses: `httpStatusOf` in errors/app-error.ts, with every other code). */
export type DatasetsErrorCode = Extract<
  AppErrorCode,
  | 'DATASET_NOT_FOUND'
  | 'IMAGE_NOT_FOUND'
  | 'BLOB_NOT_FOUND'
  | 'IMPORT_NOT_FOUND'
  | 'IMPORT_IN_PROGRESS'
  | 'INVALID_DATASET_LAYOUT'
  | 'MISSING_ARCHIVE'
  | 'INVALID_ARCHIVE'
  | 'UNSAFE_ARCHIVE_ENTRY'
  | 'UPLOAD_TOO_LARGE'
>;

/** A coded error of the datasets feature: an AppError limited to the datasets codes. */
export class DatasetsError extends AppError {
  constructor(code: DatasetsErrorCode, message: string, issues?: { path: string; message: string }[]) {
    super(code, message, issues);
  }
}
