import { HttpException } from '@nestjs/common';
import type { TApiError } from '@defectlab/contracts';

/** The codes of runs, the worker protocol and evaluations (thrown as runs/runs.errors.ts RunsError). */
export type RunsErrorCode =
  | 'RUN_NOT_FOUND'
  | 'ARTIFACT_NOT_FOUND'
  | 'EVALUATION_NOT_FOUND'
  | 'RUN_FINISHED'
  | 'LEASE_NOT_HELD'
  | 'LEASE_ENDED'
  | 'ARTIFACT_OF_ANOTHER_RUN'
  | 'EMPTY_ARTIFACT'
  | 'ARTIFACT_TOO_LARGE'
  | 'ARTIFACT_TYPE_NOT_ALLOWED'
  | 'IMAGE_NOT_IN_VERSION'
  | 'VERSIONS_OF_DIFFERENT_DATASETS'
  | 'NOTHING_TO_RECOMPUTE'
  | 'OPERATING_POINT_EXISTS';

/**
 * Every error the API answers with on purpose, one list for all features (no code has two meanings or two
 * statuses); the HTTP status follows from the code, in `httpStatusOf` alone.
 */
export type AppErrorCode =
  | 'UNAUTHENTICATED'
  | 'INVALID_TOKEN'
  | 'INSUFFICIENT_ROLE'
  | 'LEASE_TOKEN_REQUIRED'
  | 'LAST_ADMIN'
  | 'ENDPOINT_WITHOUT_CONTRACT'
  | 'USER_NOT_FOUND'
  | 'TOKEN_NOT_FOUND'
  | 'EMAIL_TAKEN'
  | 'DATASET_NOT_FOUND'
  | 'DATASET_VERSION_NOT_FOUND'
  | 'IMAGE_NOT_FOUND'
  | 'BLOB_NOT_FOUND'
  | 'IMPORT_NOT_FOUND'
  | 'TARGET_NOT_FOUND'
  | 'DATASET_NAME_TAKEN'
  | 'IMPORT_IN_PROGRESS'
  | 'TARGET_EXISTS'
  | 'VERSION_CONFLICT'
  | 'EXPORT_EXISTS'
  | 'FILE_CHANGED_DURING_IMPORT'
  | 'PATH_NOT_ALLOWED'
  | 'IMPORT_PATH_NOT_FOUND'
  | 'INVALID_DATASET_LAYOUT'
  | 'INVALID_IMAGE'
  | 'INVALID_MASK'
  | 'MASK_SIZE_MISMATCH'
  | 'MISSING_ARCHIVE'
  | 'INVALID_ARCHIVE'
  | 'UNSAFE_ARCHIVE_ENTRY'
  | 'UPLOAD_TOO_LARGE'
  | 'IMAGE_TOO_LARGE'
  | 'MALFORMED_JSON'
  | 'IMAGE_NOT_IN_VERSION'
  | 'NO_CHANGE'
  | 'VERSIONS_OF_DIFFERENT_DATASETS'
  | 'RUN_GROUP_NOT_FOUND'
  | 'CONFIRMATION_REQUIRED'
  | RunsErrorCode;

/** The HTTP status of each code (exhaustive: a new code does not compile until it is mapped here). */
export function httpStatusOf(code: AppErrorCode): number {
  switch (code) {
    case 'UNAUTHENTICATED':
    case 'INVALID_TOKEN':
      return 401;
    case 'INSUFFICIENT_ROLE':
    case 'LEASE_TOKEN_REQUIRED':
      return 403;
    case 'ENDPOINT_WITHOUT_CONTRACT':
      return 500;
    case 'USER_NOT_FOUND':
    case 'TOKEN_NOT_FOUND':
    case 'DATASET_NOT_FOUND':
    case 'DATASET_VERSION_NOT_FOUND':
    case 'IMAGE_NOT_FOUND':
    case 'BLOB_NOT_FOUND':
    case 'IMPORT_NOT_FOUND':
    case 'TARGET_NOT_FOUND':
    case 'RUN_NOT_FOUND':
    case 'ARTIFACT_NOT_FOUND':
    case 'EVALUATION_NOT_FOUND':
    case 'RUN_GROUP_NOT_FOUND':
      return 404;
    case 'EMAIL_TAKEN':
    case 'LAST_ADMIN':
    case 'DATASET_NAME_TAKEN':
    case 'IMPORT_IN_PROGRESS':
    case 'TARGET_EXISTS':
    case 'VERSION_CONFLICT':
    case 'EXPORT_EXISTS':
    case 'FILE_CHANGED_DURING_IMPORT':
    case 'RUN_FINISHED':
    case 'LEASE_NOT_HELD':
    case 'LEASE_ENDED':
    case 'OPERATING_POINT_EXISTS':
      return 409;
    case 'UPLOAD_TOO_LARGE':
    case 'IMAGE_TOO_LARGE':
    case 'ARTIFACT_TOO_LARGE':
      return 413;
    case 'ARTIFACT_TYPE_NOT_ALLOWED':
      return 415;
    case 'MALFORMED_JSON':
    case 'PATH_NOT_ALLOWED':
    case 'IMPORT_PATH_NOT_FOUND':
    case 'INVALID_DATASET_LAYOUT':
    case 'INVALID_IMAGE':
    case 'INVALID_MASK':
    case 'MASK_SIZE_MISMATCH':
    case 'MISSING_ARCHIVE':
    case 'INVALID_ARCHIVE':
    case 'UNSAFE_ARCHIVE_ENTRY':
    case 'IMAGE_NOT_IN_VERSION':
    case 'NO_CHANGE':
    case 'VERSIONS_OF_DIFFERENT_DATASETS':
    case 'EMPTY_ARTIFACT':
    case 'NOTHING_TO_RECOMPUTE':
    case 'ARTIFACT_OF_ANOTHER_RUN':
    case 'CONFIRMATION_REQUIRED':
      return 400;
  }
}

/**
 * An error with a stable code, answered as the contracts' ApiError body by the global exception filter.
 * `issues` name offending fields or files (e.g. `{ path: "test/crack/003.png", message: "truncated" }`).
 */
export class AppError extends HttpException {
  constructor(
    readonly code: AppErrorCode,
    message: string,
    readonly issues?: TApiError['issues'],
  ) {
    super({ code, message, ...(issues ? { issues } : {}) }, httpStatusOf(code));
  }
}

/**
 * Express error middleware, registered right after the JSON body parser: a body that is not valid JSON becomes
 * a 400 MALFORMED_JSON (NestJS would otherwise turn body-parser's SyntaxError into a bare BAD_REQUEST).
 */
export function malformedJsonAsAppError(err: unknown, _req: unknown, _res: unknown, next: (err?: unknown) => void): void {
  const e = err as { type?: string; message?: string } | undefined;
  next(e?.type === 'entity.parse.failed' ? new AppError('MALFORMED_JSON', `malformed JSON body: ${e.message}`) : err);
}
