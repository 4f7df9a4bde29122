import { extname } from 'node:path';
import { ExtractionError, extractText as extractDocumentText } from '@platform/extraction';
import { DocumentSourceError } from './document-error';

/** The document types InstructLab reads from knowledge repositories. */
export const DOCUMENT_TYPES = ['.md', '.pdf'] as const;

// Markdown is read as UTF-8 only, as InstructLab reads it: no other charset, even with a byte order mark.
const MEDIA_TYPES: Record<(typeof DOCUMENT_TYPES)[number], string> = { '.md': 'text/markdown; charset=utf-8', '.pdf': 'application/pdf' };

/**
 * The text the data generator reads: Markdown as it is (UTF-8), PDF as the text of its pages in reading
 * order. Other types are refused, as InstructLab does ("Unsupported file format for knowledge docs").
 */
export async function extractText(path: string, data: Buffer): Promise<string> {
  const type = extname(path).toLowerCase();
  if (type !== '.md' && type !== '.pdf') {
    throw new DocumentSourceError(
      `${path}: unsupported document type "${type || 'none'}"; knowledge documents must be .md or .pdf`,
      'unsupported-document',
    );
  }
  try {
    // The byte limits are the taxonomy's own (PLATFORM_DOCUMENT_MAX_*), checked before the file is read.
    const { text } = await extractDocumentText(
      { data, mimeType: MEDIA_TYPES[type], fileName: path },
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

function documentProblem(type: '.md' | '.pdf', err: ExtractionError): string {
  if (type === '.md' && err.code === 'unreadable') return 'a Markdown document must be UTF-8 text';
  if (err.code === 'no_text') return 'the PDF holds no extractable text (scanned pages need OCR first)';
  return err.message;
}
