import { status as GrpcStatus } from '@grpc/grpc-js';
import type { deploymentV1 } from '@platform/contracts';
import { describe, expect, it } from 'vitest';
import { LastKnownDeployments } from './last-known-deployments';

const deployment = (id: string, state = 'ready') => ({ id, status: { state } }) as deploymentV1.Deployment;
const failing = (code: GrpcStatus) => () => Promise.reject(Object.assign(new Error(`${code}`), { code }));

describe('LastKnownDeployments', () => {
  it('answers from the last resolution only while the deployment service cannot be reached, and not past its age', async () => {
    let now = 0;
    const known = new LastKnownDeployments({ maxEntries: 10, maxAgeMs: 1000, now: () => now });
    await known.resolve('myflan', async () => deployment('d1'));
    expect(await known.resolve('myflan', failing(GrpcStatus.UNAVAILABLE))).toEqual(deployment('d1'));
    expect(await known.resolve('myflan', failing(GrpcStatus.DEADLINE_EXCEEDED))).toEqual(deployment('d1'));
    await expect(known.resolve('other', failing(GrpcStatus.UNAVAILABLE))).rejects.toMatchObject({ code: GrpcStatus.UNAVAILABLE });
    now = 1001;
    await expect(known.resolve('myflan', failing(GrpcStatus.UNAVAILABLE))).rejects.toMatchObject({ code: GrpcStatus.UNAVAILABLE });
  });

  it('always asks the service first: a new state, a rename or a delete is seen at once', async () => {
    const known = new LastKnownDeployments({ maxEntries: 10, maxAgeMs: 60_000 });
    await known.resolve('myflan', async () => deployment('d1'));
    expect(await known.resolve('myflan', async () => deployment('d1', 'updating'))).toEqual(deployment('d1', 'updating'));
    expect(await known.resolve('myflan', failing(GrpcStatus.UNAVAILABLE))).toEqual(deployment('d1', 'updating'));
    // Gone (deleted, renamed): forgotten, so an outage afterwards cannot bring it back.
    await expect(known.resolve('myflan', failing(GrpcStatus.NOT_FOUND))).rejects.toMatchObject({ code: GrpcStatus.NOT_FOUND });
    await expect(known.resolve('myflan', failing(GrpcStatus.UNAVAILABLE))).rejects.toMatchObject({ code: GrpcStatus.UNAVAILABLE });
    await known.resolve('d2', async () => deployment('d2'));
    expect(await known.resolve('d2', async () => undefined)).toBeUndefined();
    await expect(known.resolve('d2', failing(GrpcStatus.UNAVAILABLE))).rejects.toMatchObject({ code: GrpcStatus.UNAVAILABLE });
    // Any other failure is passed on, not papered over.
    await known.resolve('d3', async () => deployment('d3'));
    await expect(known.resolve('d3', failing(GrpcStatus.INTERNAL))).rejects.toMatchObject({ code: GrpcStatus.INTERNAL });
  });

  it('remembers at most maxEntries ids and names, forgetting the least recently resolved', async () => {
    const known = new LastKnownDeployments({ maxEntries: 2, maxAgeMs: 60_000 });
    for (const id of ['a', 'b', 'a', 'c']) await known.resolve(id, async () => deployment(id));
    expect(await known.resolve('a', failing(GrpcStatus.UNAVAILABLE))).toEqual(deployment('a'));
    expect(await known.resolve('c', failing(GrpcStatus.UNAVAILABLE))).toEqual(deployment('c'));
    await expect(known.resolve('b', failing(GrpcStatus.UNAVAILABLE))).rejects.toMatchObject({ code: GrpcStatus.UNAVAILABLE });
  });
});
