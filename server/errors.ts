/** A mistake the user can fix: printed as one sentence, never with a stack trace. */
export class UserError extends Error {
  override name = 'UserError';
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
  }
}

/** An HTTP error with a message meant for the client (4xx). */
export function httpError(statusCode: number, message: string, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(message), { statusCode, ...extra });
}
