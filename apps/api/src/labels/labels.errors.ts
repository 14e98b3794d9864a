import { AppError, type AppErrorCode } from '../errors/app-error';

/** The codes of relabeling, label history and the review queue (statuses: `httpStatusOf` in errors/app-error.ts). */
export type LabelsErrorCode = Extract<AppErrorCode, 'IMAGE_NOT_FOUND' | 'IMAGE_NOT_IN_VERSION' | 'VERSION_CONFLICT' | 'NO_CHANGE' | 'INVALID_MASK' | 'MASK_SIZE_MISMATCH'>;

/** A coded error of the labels feature: an AppError limited to the labels codes. */
export class LabelsError extends AppError {
  constructor(code: LabelsErrorCode, message: string, issues?: { path: string; message: string }[]) {
    super(code, message, issues);
  }
}
