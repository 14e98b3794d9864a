/**
 * An error caused by the user's input (a missing folder, an unknown model, an invalid config field, an
 * unreadable image). The CLI prints its message alone, without a stack trace, and exits with code 2.
 */
export class UserError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UserError';
  }
}
