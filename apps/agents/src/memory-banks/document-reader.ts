import type { ErrorIssue } from '@platform/common';
import { PlatformError } from '@platform/common';
import type { agentsV1 } from '@platform/contracts';
import { ExtractionError, extractText } from '@platform/extraction';

/** A document of a request, checked and turned into text. */
export interface ReadDocument {
  /** Its position in the request (`documents[i]`). */
  index: number;
  uuid: string;
  content: Buffer;
  /** The caller's media type, or the one extraction read it as when the caller gave none. */
  mimeType: string;
  metadata: Record<string, unknown>;
  text: string;
}

export interface DocumentLimits {
  maxDocumentBytes: number;
  maxDocuments: number;
  extractionTimeoutMs: number;
}

export const MAX_DOCUMENT_UUID_CHARS = 256;
export const MAX_METADATA_CHARS = 64 * 1024;

const field = (i: number, name?: string) => (name ? `documents[${i}].${name}` : `documents[${i}]`);
const issue = (i: number, message: string, name?: string): ErrorIssue => ({
  code: 'invalid_request',
  message,
  target: { type: 'field', name: field(i, name) },
});

/**
 * Checks every document of a create, insert or update and extracts its text, before anything is written: one bad
 * document refuses the whole request with INVALID_ARGUMENT listing each bad one under `documents[i]` (unsupported
 * media type, unreadable, oversized, encrypted or textless content; a missing or repeated uuid; metadata that is not
 * a JSON object).
 */
export async function readDocuments(docs: readonly agentsV1.MemoryBankDocument[], limits: DocumentLimits): Promise<ReadDocument[]> {
  if (docs.length > limits.maxDocuments)
    throw PlatformError.invalid(`at most ${limits.maxDocuments} documents per request, got ${docs.length}`, 'documents');
  const issues: ErrorIssue[] = [];
  const seen = new Map<string, number>();
  const checked = docs.map((doc, i) => {
    const uuid = doc.uuid;
    if (!uuid.trim()) issues.push(issue(i, `documents[${i}] has no uuid`, 'uuid'));
    else if (uuid.length > MAX_DOCUMENT_UUID_CHARS)
      issues.push(issue(i, `documents[${i}].uuid is longer than ${MAX_DOCUMENT_UUID_CHARS} characters`, 'uuid'));
    else if (seen.has(uuid)) issues.push(issue(i, `documents[${i}] repeats the uuid "${uuid}" of documents[${seen.get(uuid)}]`, 'uuid'));
    else seen.set(uuid, i);
    const metadata = parseMetadata(doc.metadataJson);
    if (typeof metadata === 'string') issues.push(issue(i, `documents[${i}].metadata ${metadata}`, 'metadata'));
    if (doc.content.byteLength > limits.maxDocumentBytes)
      issues.push(issue(i, `documents[${i}] is ${doc.content.byteLength} bytes, above the limit of ${limits.maxDocumentBytes}`));
    return typeof metadata === 'string' ? {} : metadata;
  });
  if (issues.length > 0) throw PlatformError.invalidMany(issues);

  const read = await Promise.all(
    docs.map(async (doc, i): Promise<ReadDocument | ErrorIssue> => {
      const content = Buffer.from(doc.content);
      try {
        const extracted = await extractText(
          { data: content, mimeType: doc.mimeType || undefined },
          { maxBytes: limits.maxDocumentBytes, timeoutMs: limits.extractionTimeoutMs },
        );
        return {
          index: i,
          uuid: doc.uuid,
          content,
          mimeType: doc.mimeType || extracted.mimeType,
          metadata: checked[i],
          text: extracted.text,
        };
      } catch (err) {
        if (err instanceof ExtractionError) return issue(i, `documents[${i}] (uuid "${doc.uuid}"): ${err.message}`);
        throw err;
      }
    }),
  );
  const bad = read.filter((r): r is ErrorIssue => 'code' in r);
  if (bad.length > 0) throw PlatformError.invalidMany(bad);
  return read as ReadDocument[];
}

/** The metadata object, or why it is not one. */
function parseMetadata(json: string): Record<string, unknown> | string {
  if (!json.trim()) return {};
  if (json.length > MAX_METADATA_CHARS) return `is longer than ${MAX_METADATA_CHARS} characters of JSON`;
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return 'is not valid JSON';
  }
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : 'must be a JSON object';
}
