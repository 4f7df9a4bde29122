import { status as GrpcStatus } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { PlatformError } from '@platform/common';
import { isDependencyUnavailable } from './dependency-unavailable';
import { connectToStoppedDatabase, grpcCallToStoppedService } from './testing/unavailable-errors';

describe('isDependencyUnavailable', () => {
  it('recognises a gRPC call to a stopped service, also wrapped in the errors of the code that made it', async () => {
    const err = await grpcCallToStoppedService();
    expect(err.code).toBe(GrpcStatus.UNAVAILABLE);
    expect(isDependencyUnavailable(err)).toBe(true);
    const block = new Error(`LLMBlock/gen_questions: ${err.message}`, { cause: err });
    expect(isDependencyUnavailable(new Error('batch 3 failed', { cause: block }))).toBe(true);
    expect(isDependencyUnavailable(new PlatformError(GrpcStatus.UNAVAILABLE, 'unavailable', 'taxonomy is down'))).toBe(true);
  });

  it('recognises a refused or lost database connection, also inside a TypeORM error', async () => {
    const refused = await connectToStoppedDatabase();
    expect(isDependencyUnavailable(refused)).toBe(true);
    expect(isDependencyUnavailable(new Error('Connection terminated unexpectedly'))).toBe(true);
    const terminated = Object.assign(new Error('terminating connection due to administrator command'), {
      code: '57P01',
      severity: 'FATAL',
    });
    const queryFailed = Object.assign(new Error(terminated.message), { driverError: terminated });
    expect(isDependencyUnavailable(queryFailed)).toBe(true);
  });

  it('leaves the job’s own failures alone', () => {
    expect(isDependencyUnavailable(new Error('trainer exited with 1: no record has a trainable token'))).toBe(false);
    expect(isDependencyUnavailable(PlatformError.invalid('bad field', 'name'))).toBe(false);
    expect(isDependencyUnavailable(new PlatformError(GrpcStatus.NOT_FOUND, 'not_found', 'no such model'))).toBe(false);
    // A gRPC status that is not UNAVAILABLE, and a SQLSTATE that is the data's fault.
    expect(isDependencyUnavailable(Object.assign(new Error('3 INVALID_ARGUMENT'), { code: 3, details: 'bad' }))).toBe(false);
    expect(isDependencyUnavailable(Object.assign(new Error('value too long'), { code: '22001', severity: 'ERROR' }))).toBe(false);
    const loop: { message: string; cause?: unknown } = { message: 'loops' };
    loop.cause = loop;
    expect(isDependencyUnavailable(loop)).toBe(false);
  });
});
