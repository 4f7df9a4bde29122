import { AuditEventEntity } from '../audit/audit-event.entity';
import { ApiKeyEntity } from './api-key.entity';
import { ContainerEntity } from './container.entity';
import { MembershipEntity } from './membership.entity';
import { IdentitySchema1763900000000 } from './migrations/1763900000000-identity-schema';
import { RateLimits1763900000010 } from './migrations/1763900000010-rate-limits';
import { AuditEvents1763900000020 } from './migrations/1763900000020-audit-events';
import { UserEntity } from './user.entity';

/** The gateway's own schema: users, keys, projects and spaces with their members, rate limits and the audit log. */
export const IDENTITY_DATABASE = {
  schema: 'identity',
  entities: [UserEntity, ApiKeyEntity, ContainerEntity, MembershipEntity, AuditEventEntity],
  migrations: [IdentitySchema1763900000000, RateLimits1763900000010, AuditEvents1763900000020],
};
