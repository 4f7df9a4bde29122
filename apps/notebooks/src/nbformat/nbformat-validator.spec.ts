import { status as GrpcStatus } from '@grpc/grpc-js';
import { PlatformError } from '@platform/common';
import { describe, expect, it } from 'vitest';
import { validateNotebook } from './nbformat-validator';

const codeCell = { id: 'c1', cell_type: 'code', metadata: {}, source: ['print(1)\n'], outputs: [], execution_count: null };
const notebook = (over: Record<string, unknown> = {}) => ({
  nbformat: 4,
  nbformat_minor: 5,
  metadata: { kernelspec: { name: 'python3', display_name: 'Python 3 (ipykernel)' }, language_info: { name: 'python' } },
  cells: [codeCell, { id: 'm1', cell_type: 'markdown', metadata: {}, source: '# Title' }],
  ...over,
});
const bytes = (doc: unknown) => Buffer.from(typeof doc === 'string' ? doc : JSON.stringify(doc));

/** The refusal of `doc`: its gRPC code, error code, target field and message. */
function refusal(doc: unknown, field = 'content') {
  try {
    validateNotebook(Buffer.isBuffer(doc) ? doc : bytes(doc), field);
  } catch (e) {
    expect(e).toBeInstanceOf(PlatformError);
    const err = e as PlatformError;
    return { grpc: err.grpcCode, code: err.code, field: err.target?.name, message: err.message };
  }
  throw new Error('the notebook was accepted');
}

describe('validateNotebook', () => {
  it('accepts an nbformat 4.5 notebook and reads its kernel from kernelspec and language_info', () => {
    expect(validateNotebook(bytes(notebook()), 'content')).toEqual({
      nbformatMinor: 5,
      kernel: { display_name: 'Python 3 (ipykernel)', name: 'python3', language: 'python' },
    });
  });

  it('validates against the schema of the notebook’s own minor: a 4.4 notebook needs no cell ids, a 4.5 one does', () => {
    const noIds = { cells: [{ ...codeCell, id: undefined }] };
    expect(validateNotebook(bytes(notebook({ ...noIds, nbformat_minor: 4 })), 'content').nbformatMinor).toBe(4);
    expect(refusal(notebook(noIds)).message).toBe(
      'The notebook is not valid nbformat 4.5: /cells/0 is missing the required property "id".',
    );
    // A minor newer than any schema is held to the latest one, as nbformat does.
    expect(validateNotebook(bytes(notebook({ nbformat_minor: 9 })), 'content').nbformatMinor).toBe(9);
    expect(refusal(notebook({ ...noIds, nbformat_minor: 9 })).message).toContain(
      'nbformat 4.5: /cells/0 is missing the required property "id"',
    );
  });

  it('refuses what is not UTF-8, not JSON, not an object or not nbformat 4 with INVALID_ARGUMENT naming the field', () => {
    expect(refusal(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), 'file_reference')).toEqual({
      grpc: GrpcStatus.INVALID_ARGUMENT,
      code: 'invalid_notebook',
      field: 'file_reference',
      message: 'The notebook is not UTF-8 text.',
    });
    expect(refusal('{"cells": [')).toMatchObject({ code: 'invalid_notebook', field: 'content' });
    expect(refusal('{"cells": [').message).toMatch(/^The notebook is not JSON: /);
    expect(refusal([1, 2]).message).toBe('The notebook must be a JSON object.');
    expect(refusal(notebook({ nbformat: 3 })).message).toBe('The notebook is not nbformat 4: /nbformat is 3.');
    expect(refusal(notebook({ nbformat: undefined })).message).toBe('The notebook is not nbformat 4: /nbformat is missing.');
  });

  it('names the first problem and its JSON pointer under the definition of the cell’s own type', () => {
    const cells = (...c: unknown[]) => notebook({ cells: c });
    const bad = (o: Record<string, unknown>) => ({ ...codeCell, ...o });
    const message = (doc: unknown) => refusal(doc).message.replace('The notebook is not valid nbformat 4.5: ', '');
    expect(message(notebook({ cells: undefined }))).toBe('the notebook is missing the required property "cells".');
    expect(message(notebook({ extra: 1 }))).toBe('the notebook has the unknown property "extra".');
    expect(message(cells(bad({ source: 5 })))).toBe('/cells/0/source must be string or array.');
    expect(message(cells(codeCell, { id: 'm', cell_type: 'markdown', metadata: {}, source: '', outputs: [] }))).toBe(
      '/cells/1 has the unknown property "outputs".',
    );
    expect(message(cells(bad({ cell_type: 'sql' })))).toBe('/cells/0/cell_type must be one of ["code","markdown","raw"].');
    expect(message(cells({ id: 'x', metadata: {}, source: '' }))).toBe('/cells/0 is missing the required property "cell_type".');
    expect(message(cells(5))).toBe('/cells/0 must be object.');
    expect(message(cells(bad({ id: 'not an id!' })))).toBe('/cells/0/id must match pattern "^[a-zA-Z0-9-_]+$".');
    expect(message(cells(bad({ execution_count: -1 })))).toBe('/cells/0/execution_count must be >= 0.');
    expect(message(notebook({ metadata: { kernelspec: { name: 'python3' } } }))).toBe(
      '/metadata/kernelspec is missing the required property "display_name".',
    );
  });

  it('goes into a code cell’s outputs by their output_type', () => {
    const withOutput = (o: unknown) =>
      notebook({ cells: [{ ...codeCell, outputs: [{ output_type: 'stream', name: 'stdout', text: 'ok' }, o] }] });
    const message = (doc: unknown) => refusal(doc).message.replace('The notebook is not valid nbformat 4.5: ', '');
    expect(message(withOutput({ output_type: 'stream', name: 'stdout' }))).toBe(
      '/cells/0/outputs/1 is missing the required property "text".',
    );
    expect(message(withOutput({ output_type: 'stream', name: 'stdout', text: 7 }))).toBe(
      '/cells/0/outputs/1/text must be string or array.',
    );
    expect(message(withOutput({ output_type: 'error', ename: 'E', evalue: 'v' }))).toBe(
      '/cells/0/outputs/1 is missing the required property "traceback".',
    );
    expect(message(withOutput({ output_type: 'html' }))).toBe(
      '/cells/0/outputs/1/output_type must be one of ["execute_result","display_data","stream","error"].',
    );
    expect(
      validateNotebook(bytes(withOutput({ output_type: 'display_data', data: { 'text/plain': 'x' }, metadata: {} })), 'content')
        .nbformatMinor,
    ).toBe(5);
  });
});
