import { AppError, type AppErrorCode } from '../errors/app-error';

/** The codes the runs, worker and evaluation endpoints answer with (their statuses: `httpStatusOf`, with every other code). */
export type RunsErrorCode = Extract<
  AppErrorCode,
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
  | 'OPERATING_POINT_EXISTS'
>;

/** A coded error of the runs feature: an AppError limited to the runs codes. */
export class RunsError extends AppError {
  constructor(code: RunsErrorCode, message: string, issues?: { path: string; message: string }[]) {
    super(code, message, issues);
  }
}
