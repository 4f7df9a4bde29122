import { BadRequestException, NotFoundException, PayloadTooLargeException } from '@nestjs/common';
import { Metadata, status as GrpcStatus } from '@grpc/grpc-js';
import { PlatformError, encodeErrorDetails } from '@platform/common';
import { S3ServiceException } from '@aws-sdk/client-s3';
import { DatabaseError } from 'pg';
import { describe, expect, it } from 'vitest';
import { toEnvelope } from './error-envelope';
import { RequestValidationError } from './request-validation.error';

const MORE = 'https://cloud.ibm.com/apidocs/instructlab';
const grpcError = (code: GrpcStatus, details: string) => Object.assign(new Error(details), { code, details, metadata: new Metadata() });

describe('the IBM error envelope', () => {
  it.each([
    [GrpcStatus.INVALID_ARGUMENT, 400, 'invalid_request'],
    [GrpcStatus.UNAUTHENTICATED, 401, 'unauthorized'],
    [GrpcStatus.PERMISSION_DENIED, 403, 'forbidden'],
    [GrpcStatus.NOT_FOUND, 404, 'not_found'],
    [GrpcStatus.DEADLINE_EXCEEDED, 408, 'request_timeout'],
    [GrpcStatus.ALREADY_EXISTS, 409, 'conflict'],
    [GrpcStatus.RESOURCE_EXHAUSTED, 429, 'too_many_requests'],
    [GrpcStatus.INTERNAL, 500, 'internal_error'],
    [GrpcStatus.UNAVAILABLE, 503, 'service_unavailable'],
  ])('gRPC status %i from a service becomes HTTP %i', (code, http, errorCode) => {
    const plain = toEnvelope(grpcError(code, 'raw text from a library'), 't-1', MORE);
    expect(plain).toMatchObject({ status_code: http, trace: 't-1', errors: [{ code: errorCode, more_info: MORE }] });
    // Library text of a non-domain error is not shown to clients.
    expect(plain.errors[0].message).not.toContain('raw text');

    const domain = new PlatformError(code, 'my_code', 'Readable reason.', { type: 'field', name: 'name' });
    expect(toEnvelope(grpcError(code, encodeErrorDetails(domain)), 't-2', MORE)).toEqual({
      errors: [{ code: 'my_code', message: 'Readable reason.', target: { type: 'field', name: 'name' }, more_info: MORE }],
      trace: 't-2',
      status_code: http,
    });
  });

  it("answers grpc-js's refusal of a message over the platform's limit as 413, not as an overload", () => {
    for (const details of [
      'Received message larger than max (70000000 vs 67108864)',
      'Sent message larger than max (70000000 vs. 67108864)',
    ]) {
      const env = toEnvelope(grpcError(GrpcStatus.RESOURCE_EXHAUSTED, details), 't', MORE);
      expect(env).toMatchObject({ status_code: 413, errors: [{ code: 'payload_too_large' }] });
      expect(env.errors[0].message).toContain('internal message limit of 64 MiB');
    }
  });

  it('lists every invalid field of a request', () => {
    const env = toEnvelope(
      new RequestValidationError([
        { field: 'name', message: 'bad name' },
        { field: 'members.0.role', message: 'bad role' },
      ]),
      't',
      MORE,
    );
    expect(env.status_code).toBe(400);
    expect(env.errors.map((e) => e.target)).toEqual([
      { type: 'field', name: 'name' },
      { type: 'field', name: 'members.0.role' },
    ]);
  });

  it('gives each listed problem of a service error its own entry, in order', () => {
    const issues = [
      {
        code: 'invalid_taxonomy',
        message: 'knowledge/a/qna.yaml:3: domain must not be empty',
        target: { type: 'field' as const, name: 'knowledge/a/qna.yaml' },
      },
      {
        code: 'invalid_taxonomy',
        message: 'compositional_skills/b/qna.yaml:1: trailing spaces',
        target: { type: 'field' as const, name: 'compositional_skills/b/qna.yaml' },
      },
    ];
    const domain = PlatformError.invalidMany(issues, 'The taxonomy has 2 problems.');
    const expected = issues.map((i) => ({ ...i, more_info: MORE }));
    expect(toEnvelope(grpcError(GrpcStatus.INVALID_ARGUMENT, encodeErrorDetails(domain)), 't', MORE)).toEqual({
      errors: expected,
      trace: 't',
      status_code: 400,
    });
    // The same error thrown inside the gateway itself (no gRPC hop) reads the same.
    expect(toEnvelope(domain, 't', MORE).errors).toEqual(expected);
  });

  it('keeps a capped list readable: the first problems, then how many more there were', () => {
    const issues = Array.from({ length: 250 }, (_, i) => ({
      code: 'invalid_taxonomy',
      message: `knowledge/leaf/qna.yaml:${i + 1}: trailing spaces`,
    }));
    const env = toEnvelope(grpcError(GrpcStatus.INVALID_ARGUMENT, encodeErrorDetails(PlatformError.invalidMany(issues))), 't', MORE);
    expect(env.errors).toHaveLength(101);
    expect(env.errors[99].message).toBe('knowledge/leaf/qna.yaml:100: trailing spaces');
    expect(env.errors[100]).toMatchObject({ code: 'invalid_taxonomy', message: '…and 150 more problems not listed.' });
    expect(env.errors[100]).not.toHaveProperty('target');
  });

  it('maps framework exceptions by their status', () => {
    expect(toEnvelope(new NotFoundException('Cannot GET /x'), 't', MORE)).toMatchObject({
      status_code: 404,
      errors: [{ code: 'not_found', message: 'Cannot GET /x' }],
    });
    expect(toEnvelope(new BadRequestException(['a', 'b']), 't', MORE).errors[0].message).toBe('a; b');
    expect(toEnvelope(new PayloadTooLargeException(), 't', MORE).status_code).toBe(413);
  });

  it('answers a PostgreSQL data exception of the gateway’s own queries with 400, without the value', () => {
    // The driver's own error class, as a failed query raises it (database-error.int.spec.ts uses real PostgreSQL).
    const nul = Object.assign(new DatabaseError('invalid byte sequence for encoding "UTF8": 0x00', 0, 'error'), {
      code: '22021',
      severity: 'ERROR',
    });
    expect(toEnvelope(nul, 't', MORE)).toMatchObject({
      status_code: 400,
      errors: [{ code: 'invalid_request', message: expect.stringMatching(/22021/) }],
    });
    const missingTable = Object.assign(new DatabaseError('relation "x" does not exist', 0, 'error'), { code: '42P01', severity: 'ERROR' });
    expect(toEnvelope(missingTable, 't', MORE).status_code).toBe(500);
  });

  it("answers the object store failing the gateway's own calls with 503 object_store_unavailable", () => {
    const s3Failure = new S3ServiceException({ name: 'InternalError', $fault: 'server', $metadata: { httpStatusCode: 500 } });
    expect(toEnvelope(s3Failure, 't', MORE)).toMatchObject({ status_code: 503, errors: [{ code: 'object_store_unavailable' }] });
    const refused = new S3ServiceException({ name: 'AccessDenied', $fault: 'client', $metadata: { httpStatusCode: 403 } });
    expect(toEnvelope(refused, 't', MORE).status_code).toBe(500);
  });

  it('hides unexpected errors behind a 500', () => {
    const env = toEnvelope(new TypeError('secret internals'), 't', MORE);
    expect(env).toMatchObject({ status_code: 500, errors: [{ code: 'internal_error', message: 'Internal server error.' }] });
  });
});
