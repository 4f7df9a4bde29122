import { extname } from 'node:path';
import { ExtractionError, extractText as extractDocumentText } from '@platform/extraction';
import { DocumentSourceError } from './document-error';

/**
 * The knowledge document types read, each as the documents service reads it (`@platform/extraction`): InstructLab's
 * Markdown and PDF (scanned pages by OCR), and the office and web formats a contributor's sources often come in.
 * Markdown is read as UTF-8 only, as InstructLab reads it: no other charset, even with a byte order mark.
 */
const MEDIA_TYPES: Readonly<Record<string, string>> = {
  '.md': 'text/markdown; charset=utf-8',
  '.pdf': 'application/pdf',
  '.docx': 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  '.pptx': 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  '.xlsx': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  '.html': 'text/html',
  '.htm': 'text/html',
  '.txt': 'text/plain',
};
export const DOCUMENT_TYPES = Object.keys(MEDIA_TYPES);

/**
 * The text the data generator reads: Markdown as it is (UTF-8), PDF as the text of its pages in reading order (OCR
 * for pages without a text layer), the other types as the extraction library turns them into text or Markdown.
 * Other types are refused, naming the file.
 */
export async function extractText(path: string, data: Buffer): Promise<string> {
  const type = extname(path).toLowerCase();
  const mimeType = MEDIA_TYPES[type];
  if (mimeType === undefined) {
    throw new DocumentSourceError(
      `${path}: unsupported document type "${type || 'none'}"; knowledge documents must be one of ${DOCUMENT_TYPES.join(', ')}`,
      'unsupported-document',
    );
  }
  try {
    // The byte limits are the taxonomy's own (PLATFORM_DOCUMENT_MAX_*), checked before the file is read.
    const { text } = await extractDocumentText(
      { data, mimeType, fileName: path, ocr: type === '.pdf' ? { mode: 'enabled' } : undefined },
      { maxBytes: Math.max(1, data.length) },
    );
    return type === '.pdf' ? `${text}\n` : text;
  } catch (err) {
    if (!(err instanceof ExtractionError)) throw err;
    throw new DocumentSourceError(
      `${path}: ${documentProblem(type, err)}`,
      err.code === 'too_large' || err.code === 'timeout' ? 'document-too-large' : 'unsupported-document',
    );
  }
}

function documentProblem(type: string, err: ExtractionError): string {
  if (type === '.md' && err.code === 'unreadable') return 'a Markdown document must be UTF-8 text';
  return err.message;
}
