/**
 * Why a document gave no text. `unsupported_type`, `too_large`, `unreadable`, `encrypted` and `no_text` are the
 * document's fault (a service answers 400 naming it); `timeout` is too, as a document that takes longer than the
 * time limit to parse is refused rather than allowed to hold a thread. `ocr_unavailable` is the platform's: OCR was
 * asked for but its program (tesseract, pdftoppm) or a language's data is not installed; the message names the package.
 * `canceled`: the caller's abort signal stopped it (a canceled job), no one's fault.
 */
export type ExtractionErrorCode =
  'unsupported_type' | 'too_large' | 'unreadable' | 'encrypted' | 'no_text' | 'timeout' | 'ocr_unavailable' | 'canceled';

export class ExtractionError extends Error {
  constructor(
    readonly code: ExtractionErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ExtractionError';
  }
}
