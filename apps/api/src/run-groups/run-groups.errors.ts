import { HttpException } from '@nestjs/common';

/** Every error the run-group endpoints answer with on purpose. */
export type RunGroupsErrorCode = 'RUN_GROUP_NOT_FOUND' | 'DATASET_VERSION_NOT_FOUND' | 'CONFIRMATION_REQUIRED';

/** The HTTP status of each code (exhaustive: an unmapped new code does not compile). */
export function runGroupsHttpStatus(code: RunGroupsErrorCode): number {
  switch (code) {
    case 'RUN_GROUP_NOT_FOUND':
    case 'DATASET_VERSION_NOT_FOUND':
      return 404;
    case 'CONFIRMATION_REQUIRED':
      return 400;
  }
}

/** A coded error of the run-groups feature, answered as the contracts' ApiError body by the global filter. */
export class RunGroupsError extends HttpException {
  constructor(
    readonly code: RunGroupsErrorCode,
    message: string,
    readonly issues?: { path: string; message: string }[],
  ) {
    super({ code, message, ...(issues ? { issues } : {}) }, runGroupsHttpStatus(code));
  }
}
