/**
 * A regex or grammar that cannot be constrained exactly or as a safe subset: bad syntax, an unsupported construct,
 * or a bound exceeded. The message is safe to show a client; the caller names the spec it came from and turns it
 * into an InvalidConstraintError (a 400).
 */
export class TranslationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TranslationError';
  }
}
