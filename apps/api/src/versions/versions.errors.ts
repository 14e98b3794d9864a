import { AppError, type AppErrorCode } from '../errors/app-error';

/** The codes of dataset versions and their export (statuses: `httpStatusOf` in errors/app-error.ts, with every other code). */
export type VersionsErrorCode = Extract<AppErrorCode, 'DATASET_NOT_FOUND' | 'DATASET_VERSION_NOT_FOUND' | 'VERSIONS_OF_DIFFERENT_DATASETS' | 'EXPORT_EXISTS' | 'PATH_NOT_ALLOWED'>;

/** A coded error of the versions feature: an AppError limited to the versions codes. */
export class VersionsError extends AppError {
  constructor(code: VersionsErrorCode, message: string, issues?: { path: string; message: string }[]) {
    super(code, message, issues);
  }
}

/** The one error for a dataset version that does not exist (the export and every feature referring to a version). */
export function versionNotFound(versionId: string, requestPath?: string): VersionsError {
  const issues = requestPath ? [{ path: requestPath, message: 'no such dataset version' }] : undefined;
  return new VersionsError('DATASET_VERSION_NOT_FOUND', `no dataset version ${versionId}`, issues);
}
