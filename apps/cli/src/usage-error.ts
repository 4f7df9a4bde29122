/** A mistake in how the CLI was called (flags, configuration): reported with exit code 2, like a bad flag. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
