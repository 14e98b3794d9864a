import { AppError, type AppErrorCode } from '../errors/app-error';

/** The codes of dataset versions and their export (statuses: `httpStatusOf` in errors/app-error.ts, with every other code). */
export type VersionsErrorCode = Extract<AppErrorCode, 'DATASET_NOT_FOUND' | 'VERSION_NOT_FOUND' | 'VERSIONS_OF_DIFFERENT_DATASETS' | 'EXPORT_EXISTS' | 'PATH_NOT_ALLOWED'>;

/** A coded error of the versions feature: an AppError limited to the versions codes. */
export class VersionsError extends AppError {
  constructor(code: VersionsErrorCode, message: string, issues?: { path: string; message: string }[]) {
    super(code, message, issues);
  }
}
