import { convert, ConversionFailure, type ConvertResult, type DocumentKind } from './convert/convert.mjs';
import { resolveDocumentType } from './document-type';
import { ExtractionError } from './extraction-error';
import { resolveLimits, type ExtractionLimits } from './limits';
import { Deadline, ocrImage, ocrPdfPages, resolveOcr, type OcrOptions, type ResolvedOcr } from './ocr';
import { checkPagePixels, imageSize } from './page-pixels';
import { runInWorker } from './run-in-worker';

export interface ExtractionInput {
  data: Uint8Array;
  /** The document's media type (parameters such as `charset` are honoured); `application/octet-stream` counts as none. */
  mimeType?: string;
  /** Its name, whose extension gives the type when `mimeType` does not. */
  fileName?: string;
  /** OCR of images and scanned PDF pages with Tesseract; off unless asked for (the default mode is `disabled`). */
  ocr?: OcrOptions;
}

export interface ExtractedText {
  text: string;
  /** `markdown` for Markdown and HTML (headings, lists, links, GFM tables), `text` otherwise. */
  format: 'markdown' | 'text';
  /** The media type the document was read as. */
  mimeType: string;
  /** A PDF's page count. */
  pages?: number;
  /** The PDF pages (1-based) whose text came from OCR, or `[1]` for an image. */
  ocrPages?: number[];
}

/**
 * Text, Markdown and JSON up to this size are converted on the calling thread: their work is linear and native
 * (UTF-8 decoding, JSON.parse), far cheaper than starting a worker. HTML and PDF always go to a worker, whatever their
 * size: nested markup and compressed streams make a parser's work unbounded by the byte count.
 */
export const INLINE_MAX_BYTES = 1024 * 1024;
export const INLINE_KINDS: ReadonlySet<DocumentKind> = new Set(['text', 'markdown', 'json']);

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
  const ocr = resolveOcr(input.ocr);
  if (type.kind === 'image') return { ...(await imageText(input.data, type.mimeType, ocr, bounds)), mimeType: type.mimeType };
  const request = { kind: type.kind, data: input.data, charset: type.charset, maxPages: bounds.maxPages, maxChars: bounds.maxChars };
  if (type.kind === 'pdf' && ocr.mode !== 'disabled') {
    return {
      ...(await pdfWithOcr(input.data, await runInWorker({ ...request, pageTexts: true }, bounds), ocr, bounds)),
      mimeType: type.mimeType,
    };
  }
  const inline = INLINE_KINDS.has(type.kind) && input.data.byteLength <= INLINE_MAX_BYTES;
  const result = inline ? await convertHere(request) : await runInWorker(request, bounds);
  return { ...result, mimeType: type.mimeType };
}

export async function convertHere(request: Parameters<typeof convert>[0]) {
  try {
    return await convert(request);
  } catch (err) {
    if (err instanceof ConversionFailure) throw new ExtractionError(err.code, err.message);
    throw err;
  }
}

async function imageText(
  data: Uint8Array,
  mimeType: string,
  ocr: ResolvedOcr,
  bounds: ExtractionLimits,
): Promise<Omit<ExtractedText, 'mimeType'>> {
  if (ocr.mode === 'disabled') {
    // Callers without OCR (memory banks, taxonomy) pass this on as it is, so it names the type as an unsupported one would.
    throw new ExtractionError(
      'no_text',
      `a document of type "${mimeType}" is an image without a text layer: its text needs OCR, which is not enabled here`,
    );
  }
  const size = imageSize(data);
  if (size) checkPagePixels('the image', size.width, size.height);
  const text = await ocrImage(data, ocr, new Deadline(bounds.timeoutMs));
  if (text === '') throw new ExtractionError('no_text', 'OCR found no text in the image');
  return { text: withinChars(text, bounds.maxChars), format: 'text', ocrPages: [1] };
}

/** OCR of the pages without a text layer (`enabled`) or of every page (`forced`), merged with the rest in page order. */
async function pdfWithOcr(
  data: Uint8Array,
  layer: ConvertResult,
  ocr: ResolvedOcr,
  bounds: ExtractionLimits,
): Promise<Omit<ExtractedText, 'mimeType'>> {
  const pageTexts = layer.pageTexts ?? [];
  const targets = pageTexts.flatMap((text, index) => (ocr.mode === 'forced' || text === '' ? [index + 1] : []));
  const recognised = targets.length > 0 ? await ocrPdfPages(data, targets, ocr, new Deadline(bounds.timeoutMs)) : new Map<number, string>();
  const texts = pageTexts.map((text, index) => recognised.get(index + 1) ?? text).filter((text) => text !== '');
  if (texts.length === 0)
    throw new ExtractionError('no_text', `neither a text layer nor OCR found text on the PDF's ${pageTexts.length} page(s)`);
  return { text: withinChars(texts.join('\n\n'), bounds.maxChars), format: 'text', pages: layer.pages, ocrPages: targets };
}

function withinChars(text: string, maxChars: number): string {
  if (text.length > maxChars) {
    throw new ExtractionError('too_large', `the document's text has ${text.length} characters or more, above the limit of ${maxChars}`);
  }
  return text;
}
