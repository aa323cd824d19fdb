/**
 * Errors a user can cause. The CLI maps these to one clear message and an exit code;
 * anything else is a bug and keeps its stack trace.
 */
export class UserError extends Error {
  readonly exitCode: number = 2;
  /** Where the problem is: `file:line:col`, a field path, or a flag name. */
  readonly where: string | undefined;
  /** What the user can do about it. */
  readonly hint: string | undefined;

  constructor(message: string, opts: { where?: string; hint?: string } = {}) {
    super(message);
    this.name = 'UserError';
    this.where = opts.where;
    this.hint = opts.hint;
  }
}

/** The run could not start: the target did not answer. Exit code 3. */
export class TargetUnreachableError extends UserError {
  override readonly exitCode: number = 3;
  constructor(message: string, opts: { where?: string; hint?: string } = {}) {
    super(message, opts);
    this.name = 'TargetUnreachableError';
  }
}

export function formatUserError(err: UserError): string {
  const head = err.where ? `${err.where}: ${err.message}` : err.message;
  return err.hint ? `${head}\n  ${err.hint}` : head;
}
