import { status as GrpcStatus } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { PlatformError, decodeErrorDetails, encodeErrorDetails } from './platform-error';

const issue = (n: number, message = `problem ${n}`) => ({
  code: 'invalid_taxonomy',
  message,
  target: { type: 'field' as const, name: `file-${n}` },
});

describe('PlatformError details on the wire', () => {
  it('round-trips a single error exactly as before (no issues key)', () => {
    const wire = encodeErrorDetails(PlatformError.invalid('bad name', 'name'));
    expect(JSON.parse(wire)).toEqual({ code: 'invalid_request', message: 'bad name', target: { type: 'field', name: 'name' } });
    expect(decodeErrorDetails(wire)).toEqual({ code: 'invalid_request', message: 'bad name', target: { type: 'field', name: 'name' } });
  });

  it('carries a list of issues, summarised by the first for readers that know only one error', () => {
    const err = PlatformError.invalidMany([issue(1), issue(2)], 'Two problems.');
    expect(err.grpcCode).toBe(GrpcStatus.INVALID_ARGUMENT);
    expect(err).toMatchObject({ code: 'invalid_taxonomy', message: 'Two problems.', target: { type: 'field', name: 'file-1' } });
    const decoded = decodeErrorDetails(encodeErrorDetails(err));
    expect(decoded).toEqual({
      code: 'invalid_taxonomy',
      message: 'Two problems.',
      target: { type: 'field', name: 'file-1' },
      issues: [issue(1), issue(2)],
    });
  });

  it('writes a default summary naming the count and the first problem', () => {
    expect(PlatformError.invalidMany([issue(1), issue(2), issue(3)]).message).toBe('3 problems; the first: problem 1');
    expect(PlatformError.invalidMany([issue(1)]).message).toBe('problem 1');
  });

  it('caps the list at 100 entries plus one "and N more" entry', () => {
    const err = PlatformError.invalidMany(Array.from({ length: 130 }, (_, i) => issue(i)));
    expect(err.issues).toHaveLength(101);
    expect(err.issues[100]).toEqual({ code: 'invalid_taxonomy', message: '…and 30 more problems not listed.' });
  });

  it('keeps the encoded details small enough for an HTTP/2 trailer however long the messages are', () => {
    const long = Array.from({ length: 100 }, (_, i) => issue(i, `"quoted" {braces} and spaces `.repeat(40)));
    const err = PlatformError.invalidMany(long);
    expect(encodeURI(encodeErrorDetails(err)).length).toBeLessThan(44_000);
    expect(err.issues.every((i) => i.message.length <= 500)).toBe(true);
    expect(err.issues.at(-1)?.message).toMatch(/^…and \d+ more problems not listed\.$/);
  });

  it('ignores malformed issue entries and non-JSON details', () => {
    const wire = JSON.stringify({ code: 'c', message: 'm', issues: [{ code: 'c', message: 'ok' }, { code: 1 }, 'x'] });
    expect(decodeErrorDetails(wire)?.issues).toEqual([{ code: 'c', message: 'ok', target: undefined }]);
    expect(decodeErrorDetails('plain text')).toBeUndefined();
    expect(decodeErrorDetails('{"code": 1}')).toBeUndefined();
  });
});
