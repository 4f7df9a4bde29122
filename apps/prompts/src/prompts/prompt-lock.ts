import { status as GrpcStatus } from '@grpc/grpc-js';
import { PlatformError } from '@platform/common';
import type { LockType } from './prompt.entity';

/** A lock as stored: both set while held. */
export interface HeldLock {
  lockType: LockType | null;
  lockedBy: string | null;
}

export interface LockCaller {
  userId: string;
  admin: boolean;
}

/** The seed names no code for a locked asset: 409 `<kind>_locked` in the error envelope. */
export function lockedError(kind: string, id: string, lock: HeldLock): PlatformError {
  return new PlatformError(
    GrpcStatus.ABORTED,
    `${kind}_locked`,
    `The ${kind.replace('_', ' ')} ${id} is locked (${lock.lockType ?? 'edit'}) by ${lock.lockedBy ?? 'another user'}.`,
  );
}

const heldByOther = (lock: HeldLock, caller: LockCaller) => Boolean(lock.lockedBy) && lock.lockedBy !== caller.userId;

/** A change to the asset (not to its lock): refused while another user holds any lock on it. */
export function checkMayChange(kind: string, id: string, lock: HeldLock, caller: LockCaller): void {
  if (heldByOther(lock, caller)) throw lockedError(kind, id, lock);
}

/** Deletion: refused while another user holds a lock, and while any governance lock is held (release it first). */
export function checkMayDelete(kind: string, id: string, lock: HeldLock, caller: LockCaller): void {
  checkMayChange(kind, id, lock, caller);
  if (lock.lockType === 'governance')
    throw new PlatformError(
      GrpcStatus.ABORTED,
      `${kind}_governance_locked`,
      `The ${kind.replace('_', ' ')} ${id} is under a governance lock: release the lock before deleting it.`,
    );
}

/**
 * The lock after `PUT …/lock`: the caller takes, changes or releases it. Another user's lock stays unless `force`,
 * which the asset's creator or a container admin may use (anyone else: 403).
 */
export function nextLock(
  kind: string,
  id: string,
  lock: HeldLock,
  caller: LockCaller,
  want: { locked: boolean; lockType: LockType; force: boolean },
  createdBy: string,
): HeldLock {
  if (heldByOther(lock, caller)) {
    if (!want.force) throw lockedError(kind, id, lock);
    if (!caller.admin && caller.userId !== createdBy)
      throw new PlatformError(
        GrpcStatus.PERMISSION_DENIED,
        'forbidden',
        `Only the ${kind.replace('_', ' ')}'s creator or an admin may force another user's lock.`,
        { type: 'field', name: 'force' },
      );
  }
  return want.locked ? { lockType: want.lockType, lockedBy: caller.userId } : { lockType: null, lockedBy: null };
}
