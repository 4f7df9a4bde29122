import { status as GrpcStatus } from '@grpc/grpc-js';
import { PlatformError, type ErrorIssue } from '@platform/common';
import type { agentsV1 } from '@platform/contracts';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { MAX_DOCUMENT_UUID_CHARS, MemoryBankDocumentDto } from './memory-banks.dto';
import { renameTargets } from './post-training-errors';

const MiB = 1024 * 1024;
/** One document's bytes: the agents service's ceiling (PLATFORM_AGENTS_MAX_DOCUMENT_BYTES may set it lower). */
export const MAX_DOCUMENT_BYTES = 3 * MiB;
/**
 * A request's documents (bytes and metadata) travel to the agents service in one gRPC message, which it holds whole
 * while it chunks and embeds them: a bound well under the message limit (GRPC_MAX_MESSAGE_BYTES).
 */
export const MAX_REQUEST_DOCUMENT_BYTES = 3.5 * MiB;
/** The agents service's bound on the uuids of one delete or get. */
export const MAX_DOCUMENT_UUIDS = 1000;
const MAX_BANK_UUID_CHARS = 256;
const MAX_BANK_NAME_CHARS = 1024;

/**
 * A character outside standard base64's alphabet (RFC 4648 §4). One character class and no repetition, so a test
 * is one pass: the anchored form ^(?:[A-Za-z0-9+/]{4})*…$ kept a backtrack entry per quantum and threw RangeError
 * (a 500) for a document of about 4 MiB.
 */
const NOT_BASE64 = /[^A-Za-z0-9+/]/;

const invalidRequest = (name: string, message: string): ErrorIssue => ({
  code: 'invalid_request',
  message,
  target: { type: 'field', name },
});

/**
 * The bytes of base64 text, or undefined when it is not canonical base64: Node's decoder skips what it does not
 * understand, so a typo would silently store different bytes. Non-zero bits in the last character's unused part (which
 * a strict decoder refuses) are caught by encoding the last quantum back.
 */
export function strictBase64(text: string): Buffer | undefined {
  // Canonical: whole quanta, padded with at most two `=` at the very end, nothing else (no whitespace, no URL alphabet).
  if (text.length % 4 !== 0) return undefined;
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  if (NOT_BASE64.test(text.slice(0, text.length - padding))) return undefined;
  // Only the last quantum can have unused bits.
  const tail = text.slice(-4);
  if (tail && Buffer.from(tail, 'base64').toString('base64') !== tail) return undefined;
  return Buffer.from(text, 'base64');
}

/** A required query parameter naming a bank: present, and no longer than the service keeps. */
export function bankUuidOf(value: string | undefined, name = 'bank_uuid', max = MAX_BANK_UUID_CHARS): string {
  if (!value?.trim()) throw PlatformError.invalid(`${name} is required.`, name);
  if (value.length > max) throw PlatformError.invalid(`${name} must be at most ${max} characters.`, name);
  return value;
}

export const bankNameOf = (value: string | undefined) => bankUuidOf(value, 'bank_name', MAX_BANK_NAME_CHARS);

/**
 * The body of create, insert and update: a JSON array of the draft's MemoryBankDocument, each checked (`[i].uuid`,
 * `[i].mime_type`, `[i].metadata`), its content decoded strictly (`[i].content`) and bounded; every problem is listed
 * before anything is sent, so a bad document refuses the request whole.
 */
export function documentsOf(body: unknown, opts: { allowEmpty: boolean }): agentsV1.MemoryBankDocument[] {
  if (!Array.isArray(body)) throw PlatformError.invalid('The body must be a JSON array of MemoryBankDocument objects.', 'body');
  if (body.length === 0 && !opts.allowEmpty) throw PlatformError.invalid('The body must hold at least one document.', 'body');
  const issues: ErrorIssue[] = [];
  const documents: agentsV1.MemoryBankDocument[] = [];
  let total = 0;
  body.forEach((item: unknown, i) => {
    const at = `[${i}]`;
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      issues.push(invalidRequest(at, `${at} must be a MemoryBankDocument object.`));
      return;
    }
    const dto = plainToInstance(MemoryBankDocumentDto, item);
    const errors = validateSync(dto, { whitelist: true });
    for (const e of errors)
      for (const message of Object.values(e.constraints ?? {})) issues.push(invalidRequest(`${at}.${e.property}`, `${at}.${message}`));
    if (errors.length) return;
    const content = strictBase64(dto.content);
    if (!content) {
      issues.push(invalidRequest(`${at}.content`, `${at}.content is not base64 (RFC 4648: A-Z, a-z, 0-9, + and /, padded with =).`));
      return;
    }
    if (content.byteLength > MAX_DOCUMENT_BYTES) {
      issues.push(
        invalidRequest(`${at}.content`, `${at}.content is ${content.byteLength} bytes, above the limit of ${MAX_DOCUMENT_BYTES}.`),
      );
      return;
    }
    const metadataJson = JSON.stringify(dto.metadata ?? {});
    const before = total;
    total += content.byteLength + Buffer.byteLength(metadataJson);
    if (before <= MAX_REQUEST_DOCUMENT_BYTES && total > MAX_REQUEST_DOCUMENT_BYTES)
      issues.push(
        invalidRequest(
          at,
          `${at} brings the request's documents to more than ${MAX_REQUEST_DOCUMENT_BYTES} bytes (they travel in one message): send it and the rest in another insert.`,
        ),
      );
    documents.push({ uuid: dto.uuid, content, mimeType: dto.mime_type, metadataJson });
  });
  if (issues.length) throw PlatformError.invalidMany(issues);
  return documents;
}

/** The body of delete and get: a JSON array of document uuids. */
export function documentUuidsOf(body: unknown): string[] {
  if (!Array.isArray(body) || body.length === 0)
    throw PlatformError.invalid('The body must be a JSON array of at least one document uuid.', 'body');
  if (body.length > MAX_DOCUMENT_UUIDS) throw PlatformError.invalid(`The body may name at most ${MAX_DOCUMENT_UUIDS} documents.`, 'body');
  const issues = body.flatMap((uuid: unknown, i) =>
    typeof uuid === 'string' && uuid.length > 0 && uuid.length <= MAX_DOCUMENT_UUID_CHARS
      ? []
      : [invalidRequest(`[${i}]`, `[${i}] must be a document uuid (a string of 1-${MAX_DOCUMENT_UUID_CHARS} characters).`)],
  );
  if (issues.length) throw PlatformError.invalidMany(issues);
  return body as string[];
}

/** The agents service's request fields → the REST body's: `documents[i].x` and `document_uuids[i]` are the body's `[i]`. */
export function memoryBankField(name: string): string | undefined {
  const item = /^(?:documents|document_uuids)(\[\d+\].*)$/.exec(name);
  if (item) return item[1];
  if (name === 'documents' || name === 'document_uuids') return 'body';
  return undefined;
}

/** A refusal of the agents service (400 or 404) as the REST caller reads it: its fields and messages name the body's items. */
export function renameDocumentFields(err: unknown): unknown {
  return renameTargets(err, memoryBankField, {
    statuses: [GrpcStatus.INVALID_ARGUMENT, GrpcStatus.NOT_FOUND],
    message: (text) => text.replace(/\b(?:documents|document_uuids)(\[\d+\])/g, '$1'),
  });
}
