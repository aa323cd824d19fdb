/** The UserError a call throws; any other error is rethrown, and no error at all fails the test. */
import { UserError } from '../../src/errors.js';

export function userErrorOf(fn: () => unknown): UserError {
  try {
    fn();
  } catch (err) {
    if (err instanceof UserError) return err;
    throw err;
  }
  throw new Error('expected a UserError');
}

export async function userErrorOfAsync(fn: () => Promise<unknown>): Promise<UserError> {
  try {
    await fn();
  } catch (err) {
    if (err instanceof UserError) return err;
    throw err;
  }
  throw new Error('expected a UserError');
}
