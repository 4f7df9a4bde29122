import { extname } from 'node:path';
import { PDFParse } from 'pdf-parse';
import { DocumentSourceError } from './document-error';

/** The document types InstructLab reads from knowledge repositories. */
export const DOCUMENT_TYPES = ['.md', '.pdf'] as const;

/**
 * The text the data generator reads: Markdown as it is (UTF-8), PDF as the text of its pages in reading
 * order. Other types are refused, as InstructLab does ("Unsupported file format for knowledge docs").
 */
export async function extractText(path: string, data: Buffer): Promise<string> {
  const type = extname(path).toLowerCase();
  if (type === '.md') return decodeUtf8(path, data);
  if (type === '.pdf') return pdfText(path, data);
  throw new DocumentSourceError(
    `${path}: unsupported document type "${type || 'none'}"; knowledge documents must be .md or .pdf`,
    'unsupported-document',
  );
}

function decodeUtf8(path: string, data: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(data);
  } catch {
    throw new DocumentSourceError(`${path}: a Markdown document must be UTF-8 text`, 'unsupported-document');
  }
}

async function pdfText(path: string, data: Buffer): Promise<string> {
  const parser = new PDFParse({ data: new Uint8Array(data), verbosity: 0 });
  try {
    const result = await parser.getText({ pageJoiner: '' });
    const text = result.text.replace(/[ \t]+\n/g, '\n').trim();
    if (text === '')
      throw new DocumentSourceError(`${path}: the PDF holds no extractable text (scanned pages need OCR first)`, 'unsupported-document');
    return `${text}\n`;
  } catch (err) {
    if (err instanceof DocumentSourceError) throw err;
    throw new DocumentSourceError(
      `${path}: the PDF could not be read (${err instanceof Error ? err.message.slice(0, 200) : 'unknown error'})`,
      'unsupported-document',
    );
  } finally {
    await parser.destroy();
  }
}
