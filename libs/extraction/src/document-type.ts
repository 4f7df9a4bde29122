import { extname } from 'node:path';
import type { DocumentKind } from './convert/convert.mjs';
import { ExtractionError } from './extraction-error';

/** The media types extraction reads, and their kind. */
const MEDIA_TYPES: Readonly<Record<string, DocumentKind>> = {
  'text/plain': 'text',
  'text/markdown': 'markdown',
  'text/x-markdown': 'markdown',
  'text/html': 'html',
  'application/xhtml+xml': 'html',
  'application/pdf': 'pdf',
  'application/json': 'json',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'xlsx',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': 'pptx',
  'image/png': 'image',
  'image/jpeg': 'image',
  'image/tiff': 'image',
};

const EXTENSIONS: Readonly<Record<string, string>> = {
  '.txt': 'text/plain',
  '.text': 'text/plain',
  '.md': 'text/markdown',
  '.markdown': 'text/markdown',
  '.html': 'text/html',
  '.htm': 'text/html',
  '.xhtml': 'application/xhtml+xml',
  '.pdf': 'application/pdf',
  '.json': 'application/json',
  '.docx': 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  '.xlsx': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  '.pptx': 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.tif': 'image/tiff',
  '.tiff': 'image/tiff',
};

/** Media types that say nothing about the content: the file name or the bytes decide instead. */
const GENERIC_TYPES = new Set(['', 'application/octet-stream', 'binary/octet-stream']);

export const SUPPORTED_MEDIA_TYPES: readonly string[] = Object.keys(MEDIA_TYPES);

export interface DocumentType {
  kind: DocumentKind;
  /** The media type the document was read as, without parameters. */
  mimeType: string;
  /** The `charset` parameter of the caller's media type. */
  charset?: string;
}

/** The document's type: from `mimeType`, else the file name's extension, else its first bytes. */
export function resolveDocumentType(input: { data: Uint8Array; mimeType?: string; fileName?: string }): DocumentType {
  const [essence, ...params] = (input.mimeType ?? '').split(';').map((part) => part.trim());
  const mediaType = essence.toLowerCase();
  const charset = params.map((p) => /^charset\s*=\s*"?([^";\s]+)"?$/i.exec(p)?.[1]).find((c) => c !== undefined);
  if (!GENERIC_TYPES.has(mediaType)) {
    const kind = MEDIA_TYPES[mediaType] ?? (/^application\/[\w.+-]+\+json$/.test(mediaType) ? 'json' : undefined);
    if (!kind) throw unsupported(`documents of type "${mediaType}" are not supported`);
    return { kind, mimeType: mediaType, charset };
  }
  const extension = input.fileName ? extname(input.fileName).toLowerCase() : '';
  if (extension) {
    const byName = EXTENSIONS[extension];
    if (!byName) throw unsupported(`"${input.fileName}" has the extension ${extension}, which is not a supported document type`);
    return { kind: MEDIA_TYPES[byName], mimeType: byName, charset };
  }
  const sniffed = sniffMediaType(input.data);
  if (!sniffed) throw unsupported('the document is not recognisably PDF, PNG, JPEG, TIFF, HTML or UTF-8 text; give its media type');
  return { kind: MEDIA_TYPES[sniffed], mimeType: sniffed, charset };
}

function unsupported(reason: string): ExtractionError {
  return new ExtractionError('unsupported_type', `${reason} (supported: ${SUPPORTED_MEDIA_TYPES.join(', ')})`);
}

// The start of an HTML document, as the WHATWG MIME sniffing standard recognises it.
const HTML_START = /^<(?:!doctype html|html|head|script|iframe|h1|div|font|table|a|style|title|b|body|br|p|!--)(?:[\s>]|$)/i;
// Control characters that text does not hold (tab, line feed, vertical tab, form feed, carriage return and escape are text).
const BINARY_BYTES = /[\x00-\x08\x0E-\x1A\x1C-\x1F\x7F]/;
const SNIFF_BYTES = 64 * 1024;

/** PDF (a `%PDF-` header in the first KiB, where readers look for it), PNG/JPEG/TIFF by their signatures, HTML, or UTF-8 text; otherwise undefined. */
export function sniffMediaType(data: Uint8Array): string | undefined {
  const head = Buffer.from(data.buffer, data.byteOffset, Math.min(data.byteLength, 1024)).toString('latin1');
  if (head.includes('%PDF-')) return 'application/pdf';
  if (head.startsWith('\x89PNG\r\n\x1a\n')) return 'image/png';
  if (head.startsWith('\xff\xd8\xff')) return 'image/jpeg';
  if (head.startsWith('II*\0') || head.startsWith('MM\0*')) return 'image/tiff';
  if (HTML_START.test(head.replace(/^\xEF\xBB\xBF/, '').trimStart())) return 'text/html';
  try {
    // A sample is enough to tell text from binary; `stream` lets it end inside a character.
    const sample = new TextDecoder('utf-8', { fatal: true }).decode(data.subarray(0, SNIFF_BYTES), { stream: true });
    return BINARY_BYTES.test(sample) ? undefined : 'text/plain';
  } catch {
    return undefined;
  }
}
