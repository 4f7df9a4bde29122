import { Injectable } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { AuditLog, type AuditActor } from '../audit/audit-log';
import type { AuditDetail } from '../audit/audit-event.entity';
import type { SignInFailure } from '../identity/users.service';
import type { UserEntity } from '../identity/user.entity';
import { rateLimited } from '../rate-limit/rate-limited';
import { SignInThrottle, type SignInAttempt } from '../rate-limit/sign-in-throttle';

/** How a sign-in was made, for the audit log. */
export type SignInDetails = Record<string, AuditDetail> & { route: string; method: 'password' | 'api_key' };

/**
 * What surrounds checking credentials on the sign-in routes: refusing attempts on a blocked account or address before
 * any hash is computed, counting failures toward the back-off, and recording every outcome in the audit log.
 */
@Injectable()
export class SignIns {
  constructor(
    private readonly throttle: SignInThrottle,
    private readonly audit: AuditLog,
  ) {}

  /** A 429 with Retry-After while the account or the client address is blocked. */
  async admit(attempt: SignInAttempt, reply: FastifyReply): Promise<void> {
    const waitMs = await this.throttle.waitMs(attempt);
    if (waitMs > 0) throw rateLimited(reply, waitMs, 'Too many failed sign-ins from this address or for this account');
  }

  async failed(attempt: SignInAttempt, reason: SignInFailure, details: SignInDetails): Promise<void> {
    const blocks = await this.throttle.failed(attempt);
    const actor: AuditActor = { username: attempt.account, clientAddress: attempt.address };
    const target = attempt.account === undefined ? undefined : { type: 'user' as const, name: attempt.account };
    await this.audit.record({ action: 'sign_in.failed', actor, target, reason, details });
    for (const block of blocks) {
      await this.audit.record({
        action: 'sign_in.blocked',
        actor,
        target: block.on === 'account' ? target : { type: 'address', name: attempt.address },
        reason: `${block.failures} failed sign-ins in a row`,
        details: { ...details, blocked: block.on, seconds: block.seconds, failures: block.failures },
      });
    }
  }

  async succeeded(attempt: SignInAttempt, user: UserEntity, details: SignInDetails): Promise<void> {
    await this.throttle.succeeded(attempt);
    await this.audit.record({
      action: 'sign_in.succeeded',
      actor: { userId: user.id, username: user.username, clientAddress: attempt.address },
      target: { type: 'user', id: user.id, name: user.username },
      details,
    });
  }
}
