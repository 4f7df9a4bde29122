/**
 * Why a document gave no text. `unsupported_type`, `too_large`, `unreadable`, `encrypted` and `no_text` are the
 * document's fault (a service answers 400 naming it); `timeout` is too, as a document that takes longer than the
 * time limit to parse is refused rather than allowed to hold a thread.
 */
export type ExtractionErrorCode = 'unsupported_type' | 'too_large' | 'unreadable' | 'encrypted' | 'no_text' | 'timeout';

export class ExtractionError extends Error {
  constructor(
    readonly code: ExtractionErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ExtractionError';
  }
}
