import { AppError, type AppErrorCode } from '../errors/app-error';

/** Every error the run-group endpoints answer with on purpose (statuses: `httpStatusOf` in errors/app-error.ts). */
export type RunGroupsErrorCode = Extract<AppErrorCode, 'RUN_GROUP_NOT_FOUND' | 'CONFIRMATION_REQUIRED'>;

/** A coded error of the run-groups feature: an AppError limited to the run-groups codes. */
export class RunGroupsError extends AppError {
  constructor(code: RunGroupsErrorCode, message: string, issues?: { path: string; message: string }[]) {
    super(code, message, issues);
  }
}
