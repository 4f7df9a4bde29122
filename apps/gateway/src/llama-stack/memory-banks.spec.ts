import { Metadata, status as GrpcStatus } from '@grpc/grpc-js';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { PlatformError, encodeErrorDetails } from '@platform/common';
import { describe, expect, it } from 'vitest';
import {
  MAX_DOCUMENT_BYTES,
  MAX_REQUEST_DOCUMENT_BYTES,
  bankNameOf,
  bankUuidOf,
  documentUuidsOf,
  documentsOf,
  memoryBankField,
  renameDocumentFields,
  strictBase64,
} from './memory-banks-request';
import { memoryBankDocumentView, memoryBankView } from './memory-banks-view';

// The repository's copy of the draft (apps/platform-e2e keeps it); read as data, not imported.
const draft = JSON.parse(readFileSync(resolve(__dirname, '../../../platform-e2e/src/support/llama-stack-draft-openapi.json'), 'utf8')) as {
  components: object;
  paths: Record<string, { post?: { requestBody: { content: { 'application/json': { schema: object } } } } }>;
};
const ajv = new Ajv2020({ allErrors: true, strict: false });
addFormats(ajv);
ajv.addSchema({ $id: 'draft', components: draft.components });
const schemaErrors = (name: string, value: unknown) => {
  const v = ajv.getSchema(`draft#/components/schemas/${name}`)!;
  return v(value) ? [] : (v.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`);
};
const bodyErrors = (path: string, value: unknown) => {
  const v = ajv.compile(draft.paths[path].post!.requestBody.content['application/json'].schema);
  return v(value) ? [] : (v.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`);
};
const refusal = (f: () => unknown): PlatformError => {
  try {
    f();
  } catch (e) {
    return e as PlatformError;
  }
  throw new Error('accepted');
};
const fields = (f: () => unknown) => {
  const err = refusal(f);
  return [...new Set(err.issues.length ? err.issues.map((i) => i.target?.name) : [err.target?.name])];
};

const b64 = (text: string | Buffer) => Buffer.from(text).toString('base64');
const doc = (uuid: string, text: string | Buffer, over: Record<string, unknown> = {}) => ({
  uuid,
  content: b64(text),
  mime_type: 'text/markdown',
  metadata: { source: 'spec', tags: ['a'], n: 1, ok: true, none: null },
  ...over,
});

describe('memory bank documents against the draft', () => {
  it('accepts the draft body, decoding each content to its bytes with metadata as JSON', () => {
    const body = [doc('a', '# Pelicans\nThey nest on islands.'), doc('b', 'Tea is brewed hot.', { mime_type: 'text/plain', metadata: {} })];
    for (const path of ['/memory_banks/create', '/memory_bank/insert', '/memory_bank/update']) expect(bodyErrors(path, body)).toEqual([]);
    const docs = documentsOf(body, { allowEmpty: false });
    expect(docs.map((d) => [d.uuid, Buffer.from(d.content).toString(), d.mimeType, JSON.parse(d.metadataJson)])).toEqual([
      ['a', '# Pelicans\nThey nest on islands.', 'text/markdown', body[0].metadata],
      ['b', 'Tea is brewed hot.', 'text/plain', {}],
    ]);
    // metadata is optional here (the draft requires it): an absent one is {}.
    expect(documentsOf([{ uuid: 'c', content: '', mime_type: 'text/plain' }], { allowEmpty: false })[0].metadataJson).toBe('{}');
  });

  it('refuses content that is not strict base64, naming [i].content', () => {
    for (const bad of ['SGVsbG8', 'SGVs bG8=', 'SGVsbG8=\n', 'SGVs_G8=', 'SGVs-G8=', 'SGVsbG8==', '====', 'QR==', 'QUI=x', 'é']) {
      const err = refusal(() => documentsOf([doc('ok', 'fine'), doc('bad', '', { content: bad })], { allowEmpty: false }));
      expect(err.grpcCode).toBe(GrpcStatus.INVALID_ARGUMENT);
      expect(err.target?.name, bad).toBe('[1].content');
      expect(err.message).toContain('[1].content is not base64');
    }
  });

  it('reads every canonical base64 text back to its bytes, and only those', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        const text = Buffer.from(bytes).toString('base64');
        expect(strictBase64(text)?.equals(Buffer.from(bytes))).toBe(true);
      }),
    );
    fc.assert(
      fc.property(fc.string({ maxLength: 24, unit: fc.constantFrom(...'AQgw+/=abc- _\n'.split('')) }), (text) => {
        const bytes = strictBase64(text);
        if (bytes) expect(bytes.toString('base64')).toBe(text);
      }),
    );
  });

  it('refuses a document of many MiB by its size, as a 400 (the base64 check is one pass, whatever the length)', () => {
    const err = refusal(() => documentsOf([doc('huge', Buffer.alloc(5 * MAX_DOCUMENT_BYTES, 'a'))], { allowEmpty: false }));
    expect(err).toBeInstanceOf(PlatformError);
    expect(err.grpcCode).toBe(GrpcStatus.INVALID_ARGUMENT);
    expect(err.target?.name).toBe('[0].content');
    expect(err.message).toContain('above the limit');
  });

  it('lists every bad document by its position: uuid, mime_type, metadata, not an object', () => {
    const body = [
      doc('', 'x'),
      doc('b', 'x', { mime_type: undefined }),
      doc('c', 'x', { metadata: ['not', 'an', 'object'] }),
      'text',
      doc('e', 'x', { uuid: 'u'.repeat(257) }),
      doc('f', 'x', { metadata: { big: 'x'.repeat(64 * 1024) } }),
    ];
    expect(bodyErrors('/memory_bank/insert', body)).not.toEqual([]);
    expect(fields(() => documentsOf(body, { allowEmpty: false }))).toEqual([
      '[0].uuid',
      '[1].mime_type',
      '[2].metadata',
      '[3]',
      '[4].uuid',
      '[5].metadata',
    ]);
  });

  it('refuses a document above 3 MiB and a request above 3.5 MiB together by the document, before anything is sent', () => {
    const big = Buffer.alloc(MAX_DOCUMENT_BYTES + 1, 'a');
    expect(fields(() => documentsOf([doc('big', big)], { allowEmpty: true }))).toEqual(['[0].content']);
    expect(documentsOf([doc('edge', Buffer.alloc(MAX_DOCUMENT_BYTES, 'a'))], { allowEmpty: true })).toHaveLength(1);
    const part = Buffer.alloc(Math.ceil(MAX_REQUEST_DOCUMENT_BYTES / 3), 'a');
    const err = refusal(() => documentsOf([doc('p0', part), doc('p1', part), doc('p2', part), doc('p3', part)], { allowEmpty: false }));
    expect(err.target?.name).toBe('[2]');
    expect(err.issues).toHaveLength(1);
    expect(err.message).toContain('in another insert');
  });

  it('refuses a body that is not an array, and an empty one except at create', () => {
    expect(fields(() => documentsOf({ uuid: 'a' }, { allowEmpty: true }))).toEqual(['body']);
    expect(fields(() => documentsOf([], { allowEmpty: false }))).toEqual(['body']);
    expect(documentsOf([], { allowEmpty: true })).toEqual([]);
  });

  it('takes the uuids of delete and get as the draft gives them, naming a bad one by position', () => {
    for (const path of ['/memory_bank/delete', '/memory_bank/get']) expect(bodyErrors(path, ['a', 'b'])).toEqual([]);
    expect(documentUuidsOf(['a', 'b'])).toEqual(['a', 'b']);
    expect(fields(() => documentUuidsOf(['a', 3, '']))).toEqual(['[1]', '[2]']);
    expect(fields(() => documentUuidsOf([]))).toEqual(['body']);
    expect(fields(() => documentUuidsOf('a'))).toEqual(['body']);
    expect(fields(() => documentUuidsOf(Array.from({ length: 1001 }, (_, i) => `d${i}`)))).toEqual(['body']);
  });

  it('requires bank_uuid and bank_name, bounded', () => {
    expect(bankUuidOf('bank')).toBe('bank');
    expect(refusal(() => bankUuidOf(undefined)).target?.name).toBe('bank_uuid');
    expect(refusal(() => bankUuidOf(' ')).target?.name).toBe('bank_uuid');
    expect(refusal(() => bankUuidOf('b'.repeat(257))).target?.name).toBe('bank_uuid');
    expect(refusal(() => bankNameOf(undefined)).target?.name).toBe('bank_name');
    expect(bankNameOf('n'.repeat(1024))).toHaveLength(1024);
  });
});

describe("the agents service's refusals, as the REST body names things", () => {
  const serviceError = (err: PlatformError) =>
    Object.assign(new Error(err.message), { code: err.grpcCode, details: encodeErrorDetails(err), metadata: new Metadata() });

  it('maps documents[i] and document_uuids[i] to [i], in targets and messages, for 400 and 404', () => {
    expect(memoryBankField('documents[3].metadata')).toBe('[3].metadata');
    expect(memoryBankField('document_uuids[0]')).toBe('[0]');
    expect(memoryBankField('documents')).toBe('body');
    expect(memoryBankField('bank_uuid')).toBeUndefined();

    const invalid = PlatformError.invalidMany([
      {
        code: 'invalid_request',
        message: 'documents[0] (uuid "a"): unsupported media type image/png',
        target: { type: 'field', name: 'documents[0]' },
      },
      {
        code: 'invalid_request',
        message: 'documents[2].uuid is longer than 256 characters',
        target: { type: 'field', name: 'documents[2].uuid' },
      },
    ]);
    const mapped = renameDocumentFields(serviceError(invalid)) as PlatformError;
    expect(mapped.grpcCode).toBe(GrpcStatus.INVALID_ARGUMENT);
    expect(mapped.target?.name).toBe('[0]');
    expect(mapped.issues.map((i) => [i.target?.name, i.message])).toEqual([
      ['[0]', '[0] (uuid "a"): unsupported media type image/png'],
      ['[2].uuid', '[2].uuid is longer than 256 characters'],
    ]);

    const missing = new PlatformError(
      GrpcStatus.NOT_FOUND,
      'document_not_found',
      'document_uuids[1]: memory bank "b" has no document "x".',
      {
        type: 'field',
        name: 'document_uuids[1]',
      },
    );
    const notFound = renameDocumentFields(serviceError(missing)) as PlatformError;
    expect([notFound.grpcCode, notFound.code, notFound.target?.name, notFound.message]).toEqual([
      GrpcStatus.NOT_FOUND,
      'document_not_found',
      '[1]',
      '[1]: memory bank "b" has no document "x".',
    ]);
    const unavailable = serviceError(new PlatformError(GrpcStatus.UNAVAILABLE, 'service_unavailable', 'documents[0] later'));
    expect(renameDocumentFields(unavailable)).toBe(unavailable);
  });
});

describe('memory bank views against the draft', () => {
  it('answers the draft MemoryBank: uuid and name only', () => {
    const view = memoryBankView({ uuid: 'b', name: 'Bank', projectId: 'p', documentCount: 2, chunkCount: 9, createdAt: new Date() });
    expect(schemaErrors('MemoryBank', view)).toEqual([]);
    expect(view).toEqual({ uuid: 'b', name: 'Bank' });
  });

  it('answers the draft MemoryBankDocument: the stored bytes base64, the metadata as sent', () => {
    const bytes = Buffer.from([0, 1, 2, 250, 255]);
    const view = memoryBankDocumentView({ uuid: 'd', content: bytes, mimeType: 'application/pdf', metadataJson: '{"a":[1,{"b":null}]}' });
    expect(schemaErrors('MemoryBankDocument', view)).toEqual([]);
    expect(view).toEqual({ uuid: 'd', content: bytes.toString('base64'), metadata: { a: [1, { b: null }] }, mime_type: 'application/pdf' });
    expect(strictBase64(view.content)?.equals(bytes)).toBe(true);
  });
});
