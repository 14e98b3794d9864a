import { AppError, type RunsErrorCode } from '../errors/app-error';

export type { RunsErrorCode };

/** A coded error of the runs feature: an AppError limited to the runs codes (statuses: `httpStatusOf`, with every other code). */
export class RunsError extends AppError {
  constructor(code: RunsErrorCode, message: string, issues?: { path: string; message: string }[]) {
    super(code, message, issues);
  }
}
