import { ExtractionError, extractText } from '@platform/extraction';
import { ObjectNotFoundError, ObjectTooLargeError, type ObjectStore } from '@platform/object-store';
import type { DocumentsConfig } from '../documents.config';
import type { RagInputDocument } from './rag-experiment.entity';
import { RagFailure } from './rag-failure';
import type { RagDocumentText } from './rag-index';

/** Every input document's text; one that cannot be read fails the experiment naming it. */
export async function readRagDocuments(
  store: ObjectStore,
  limits: DocumentsConfig['extractions'],
  documents: readonly RagInputDocument[],
  signal: AbortSignal,
): Promise<RagDocumentText[]> {
  const docs: RagDocumentText[] = [];
  const maxBytes = limits.maxDocumentBytes;
  for (const d of documents) {
    signal.throwIfAborted();
    const name = JSON.stringify(d.documentId);
    let data: Buffer;
    let mimeType: string | undefined;
    try {
      mimeType = (await store.head(d.key))?.contentType;
      data = await store.getBuffer(d.key, maxBytes);
    } catch (err) {
      if (err instanceof ObjectNotFoundError) throw new RagFailure('document_not_found', `input document ${name}: no file there any more.`);
      if (err instanceof ObjectTooLargeError) throw new RagFailure('too_large', `input document ${name}: larger than ${maxBytes} bytes.`);
      throw err;
    }
    try {
      const extracted = await extractText(
        { data, fileName: d.documentId, mimeType, ocr: { mode: 'enabled' } },
        { maxBytes, timeoutMs: limits.timeoutMs, maxPages: limits.maxPages },
      );
      if (extracted.text.trim() === '') throw new RagFailure('no_text', `input document ${name}: no text to index.`);
      docs.push({ documentId: d.documentId, text: extracted.text });
    } catch (err) {
      if (err instanceof ExtractionError) throw new RagFailure(err.code, `input document ${name}: ${err.message}`);
      throw err;
    }
  }
  return docs;
}
