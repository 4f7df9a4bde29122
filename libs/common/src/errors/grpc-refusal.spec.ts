import { status as GrpcStatus } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { grpcRefusal } from './grpc-refusal';
import { encodeErrorDetails, PlatformError } from './platform-error';

const refused = (code: number, details: string) => Promise.reject(Object.assign(new Error(details), { code, details }));

describe('grpcRefusal', () => {
  it('reads the PlatformError a refused call carried, its issues in order', async () => {
    const err = PlatformError.invalidMany([
      { code: 'invalid_field', message: 'a is wrong', target: { type: 'field', name: 'a' } },
      { code: 'invalid_field', message: 'b is wrong', target: { type: 'field', name: 'b' } },
    ]);
    expect(await grpcRefusal(refused(GrpcStatus.INVALID_ARGUMENT, encodeErrorDetails(err)))).toEqual({
      code: GrpcStatus.INVALID_ARGUMENT,
      errorCode: 'invalid_field',
      field: 'a',
      message: '2 problems; the first: a is wrong',
      fields: ['a', 'b'],
      issues: ['a is wrong', 'b is wrong'],
    });
  });

  it('keeps the raw details of a plain gRPC error as its message', async () => {
    expect(await grpcRefusal(refused(GrpcStatus.UNAVAILABLE, 'No connection established'))).toMatchObject({
      code: GrpcStatus.UNAVAILABLE,
      message: 'No connection established',
      fields: [],
    });
  });

  it('fails when the call succeeds', async () => {
    await expect(grpcRefusal(Promise.resolve({}))).rejects.toThrow('the call succeeded');
  });
});
