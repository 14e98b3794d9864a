import { AppError, type AppErrorCode } from '../errors/app-error';

/** The codes of users and their API tokens (statuses: `httpStatusOf` in errors/app-error.ts, with every other code). */
export type UsersErrorCode = Extract<AppErrorCode, 'USER_NOT_FOUND' | 'TOKEN_NOT_FOUND' | 'EMAIL_TAKEN' | 'LAST_ADMIN'>;

/** A coded error of the users feature: an AppError limited to the users codes. */
export class UsersError extends AppError {
  constructor(code: UsersErrorCode, message: string, issues?: { path: string; message: string }[]) {
    super(code, message, issues);
  }
}
