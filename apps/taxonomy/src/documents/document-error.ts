/**
 * Why a leaf's documents could not be fetched, worded for the taxonomy's author (it becomes one entry of the
 * 400 envelope, prefixed with the leaf). Never carries credentials: messages are built from redacted URLs.
 */
export class DocumentSourceError extends Error {
  constructor(
    message: string,
    readonly rule: DocumentProblem,
  ) {
    super(message);
    this.name = 'DocumentSourceError';
  }
}

export type DocumentProblem =
  | 'document-source'
  | 'private-source'
  | 'unreachable-repo'
  | 'auth-failed'
  | 'unknown-commit'
  | 'no-matching-document'
  | 'document-too-large'
  | 'unsupported-document'
  | 'credentials'
  | 'secret-not-bound';
