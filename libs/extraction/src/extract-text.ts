import { convert, ConversionFailure, type DocumentKind } from './convert/convert.mjs';
import { resolveDocumentType } from './document-type';
import { ExtractionError } from './extraction-error';
import { resolveLimits, type ExtractionLimits } from './limits';
import { runInWorker } from './run-in-worker';

export interface ExtractionInput {
  data: Uint8Array;
  /** The document's media type (parameters such as `charset` are honoured); `application/octet-stream` counts as none. */
  mimeType?: string;
  /** Its name, whose extension gives the type when `mimeType` does not. */
  fileName?: string;
}

export interface ExtractedText {
  text: string;
  /** `markdown` for Markdown and HTML (headings, lists, links, GFM tables), `text` otherwise. */
  format: 'markdown' | 'text';
  /** The media type the document was read as. */
  mimeType: string;
  /** A PDF's page count. */
  pages?: number;
}

/**
 * Text, Markdown and JSON up to this size are converted on the calling thread: their work is linear and native
 * (UTF-8 decoding, JSON.parse), far cheaper than starting a worker. HTML and PDF always go to a worker, whatever their
 * size: nested markup and compressed streams make a parser's work unbounded by the byte count.
 */
const INLINE_MAX_BYTES = 1024 * 1024;
const INLINE_KINDS: ReadonlySet<DocumentKind> = new Set(['text', 'markdown', 'json']);

/**
 * A document's text: plain text and Markdown as they are, HTML as Markdown, PDF as the text of its pages in reading
 * order, JSON pretty-printed. Refusals are {@link ExtractionError}s with a code and a message for the document's author.
 */
export async function extractText(input: ExtractionInput, limits?: Partial<ExtractionLimits>): Promise<ExtractedText> {
  const bounds = resolveLimits(limits);
  if (input.data.byteLength > bounds.maxBytes) {
    throw new ExtractionError('too_large', `the document is ${input.data.byteLength} bytes, above the limit of ${bounds.maxBytes}`);
  }
  const type = resolveDocumentType(input);
  const request = { kind: type.kind, data: input.data, charset: type.charset, maxPages: bounds.maxPages, maxChars: bounds.maxChars };
  const inline = INLINE_KINDS.has(type.kind) && input.data.byteLength <= INLINE_MAX_BYTES;
  const result = inline ? await convertHere(request) : await runInWorker(request, bounds);
  return { ...result, mimeType: type.mimeType };
}

async function convertHere(request: Parameters<typeof convert>[0]) {
  try {
    return await convert(request);
  } catch (err) {
    if (err instanceof ConversionFailure) throw new ExtractionError(err.code, err.message);
    throw err;
  }
}
