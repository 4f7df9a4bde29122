import { status as GrpcStatus } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { downstreamError, downstreamMessage } from './downstream-error';
import { PlatformError, encodeErrorDetails } from './platform-error';

describe('downstreamError', () => {
  it("keeps the other service's status and code when the request was at fault", () => {
    const answer = {
      code: GrpcStatus.INVALID_ARGUMENT,
      details: encodeErrorDetails(new PlatformError(GrpcStatus.INVALID_ARGUMENT, 'model_not_supported', 'no model x')),
    };
    const err = downstreamError('inference', answer, 'embedding with x');
    expect(err).toBeInstanceOf(PlatformError);
    expect(err).toMatchObject({
      grpcCode: GrpcStatus.INVALID_ARGUMENT,
      code: 'model_not_supported',
      message: 'embedding with x: no model x',
    });
  });

  it("reports anything else as the dependency's failure", () => {
    const err = downstreamError('inference', { code: GrpcStatus.INTERNAL, details: 'boom' }, 'generating with y');
    expect(err).toMatchObject({ grpcCode: GrpcStatus.UNAVAILABLE, code: 'service_unavailable' });
    expect(err.message).toBe('generating with y: the inference service failed: boom');
    expect(downstreamError('documents', new Error('socket hang up'), 'reading').message).toBe(
      'reading: the documents service failed: socket hang up',
    );
  });

  it('downstreamMessage reads the PlatformError message, else the details, else the error', () => {
    const platform = { code: 3, details: encodeErrorDetails(new PlatformError(GrpcStatus.INVALID_ARGUMENT, 'bad_id', 'id is not a UUID')) };
    expect(downstreamMessage(platform)).toBe('id is not a UUID');
    expect(downstreamMessage({ code: 3, details: 'plain details' })).toBe('plain details');
    expect(downstreamMessage(new Error('socket hang up'))).toBe('socket hang up');
  });
});
