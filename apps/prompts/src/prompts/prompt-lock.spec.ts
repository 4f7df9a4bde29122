import { status as GrpcStatus } from '@grpc/grpc-js';
import { PlatformError } from '@platform/common';
import { describe, expect, it } from 'vitest';
import { checkMayChange, checkMayDelete, nextLock, type HeldLock } from './prompt-lock';

const free: HeldLock = { lockType: null, lockedBy: null };
const byAnn: HeldLock = { lockType: 'edit', lockedBy: 'ann' };
const ann = { userId: 'ann', admin: false };
const bob = { userId: 'bob', admin: false };
const codeOf = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return [(e as PlatformError).grpcCode, (e as PlatformError).code];
  }
  return undefined;
};

describe('prompt locks', () => {
  it('lets anyone change an unlocked prompt and the holder a locked one; another user gets prompt_locked (409)', () => {
    expect(codeOf(() => checkMayChange('prompt', 'p', free, bob))).toBeUndefined();
    expect(codeOf(() => checkMayChange('prompt', 'p', byAnn, ann))).toBeUndefined();
    expect(codeOf(() => checkMayChange('prompt', 'p', byAnn, bob))).toEqual([GrpcStatus.ABORTED, 'prompt_locked']);
  });

  it('blocks deletion under a governance lock, even for its holder', () => {
    expect(codeOf(() => checkMayDelete('prompt', 'p', { lockType: 'governance', lockedBy: 'ann' }, ann))).toEqual([
      GrpcStatus.ABORTED,
      'prompt_governance_locked',
    ]);
  });

  it('takes, changes and releases a lock; force is for the creator or an admin', () => {
    const want = { locked: true, lockType: 'governance' as const, force: false };
    expect(nextLock('prompt', 'p', free, bob, want, 'ann')).toEqual({ lockType: 'governance', lockedBy: 'bob' });
    expect(nextLock('prompt', 'p', byAnn, ann, { ...want, locked: false }, 'ann')).toEqual(free);
    expect(codeOf(() => nextLock('prompt', 'p', byAnn, bob, want, 'ann'))).toEqual([GrpcStatus.ABORTED, 'prompt_locked']);
    expect(codeOf(() => nextLock('prompt', 'p', byAnn, bob, { ...want, force: true }, 'ann'))).toEqual([
      GrpcStatus.PERMISSION_DENIED,
      'forbidden',
    ]);
    expect(nextLock('prompt', 'p', byAnn, { userId: 'bob', admin: true }, { ...want, force: true }, 'ann')).toEqual({
      lockType: 'governance',
      lockedBy: 'bob',
    });
    expect(nextLock('prompt', 'p', byAnn, bob, { ...want, locked: false, force: true }, 'bob')).toEqual(free);
  });
});
