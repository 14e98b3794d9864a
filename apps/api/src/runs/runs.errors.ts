import { HttpException } from '@nestjs/common';

/** Every error the runs, worker and evaluation endpoints answer with on purpose. */
export type RunsErrorCode =
  | 'RUN_NOT_FOUND'
  | 'DATASET_VERSION_NOT_FOUND'
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

/** The HTTP status of each code (exhaustive: an unmapped new code does not compile). */
export function runsHttpStatus(code: RunsErrorCode): number {
  switch (code) {
    case 'RUN_NOT_FOUND':
    case 'DATASET_VERSION_NOT_FOUND':
    case 'ARTIFACT_NOT_FOUND':
    case 'EVALUATION_NOT_FOUND':
      return 404;
    case 'RUN_FINISHED':
    case 'LEASE_NOT_HELD':
    case 'LEASE_ENDED':
    case 'OPERATING_POINT_EXISTS':
      return 409;
    case 'ARTIFACT_TOO_LARGE':
      return 413;
    case 'ARTIFACT_TYPE_NOT_ALLOWED':
      return 415;
    case 'EMPTY_ARTIFACT':
    case 'IMAGE_NOT_IN_VERSION':
    case 'VERSIONS_OF_DIFFERENT_DATASETS':
    case 'NOTHING_TO_RECOMPUTE':
    case 'ARTIFACT_OF_ANOTHER_RUN':
      return 400;
  }
}

/** A coded error of the runs feature, answered as the contracts' ApiError body by the global filter. */
export class RunsError extends HttpException {
  constructor(
    readonly code: RunsErrorCode,
    message: string,
    readonly issues?: { path: string; message: string }[],
  ) {
    super({ code, message, ...(issues ? { issues } : {}) }, runsHttpStatus(code));
  }
}
