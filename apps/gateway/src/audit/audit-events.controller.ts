import { Controller, Get, Inject, Query } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { INSTRUCTLAB_PAGE, NEWEST_FIRST, PlatformError, keysetPage, pageFields, pageRequest } from '@platform/common';
import type { DataSource } from 'typeorm';
import { CurrentPrincipal, type Principal } from '../auth/principal';
import { PUBLIC_URL } from '../http/public-url';
import { AuditEventEntity } from './audit-event.entity';
import { auditEventView } from './audit-event-view';
import { filterAuditEvents } from './audit-filters';
import { AUDIT_ACTIONS } from './audit-log';

/** `GET /v1/audit_events`: the audit log, for platform administrators only. */
@ApiTags('Audit')
@Controller('v1/audit_events')
export class AuditEventsController {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(PUBLIC_URL) private readonly publicUrl: string,
  ) {}

  @Get()
  @ApiQuery({ name: 'action', required: false, description: `an action (${AUDIT_ACTIONS.join(', ')}) or its family (sign_in, user, …)` })
  @ApiQuery({ name: 'actor', required: false, description: 'user name or id of who acted (for sign-ins, the name tried)' })
  @ApiQuery({ name: 'target', required: false, description: 'id or name of what was acted on' })
  @ApiQuery({ name: 'since', required: false, description: 'ISO 8601: events at or after' })
  @ApiQuery({ name: 'until', required: false, description: 'ISO 8601: events before' })
  @ApiQuery({ name: 'limit', required: false, description: `1-${INSTRUCTLAB_PAGE.maxLimit}, default ${INSTRUCTLAB_PAGE.defaultLimit}` })
  @ApiQuery({ name: 'start', required: false, description: 'the token in next.start (or next.href) of the previous page' })
  @ApiOperation({ summary: 'The audit log (sign-ins; user, API key, member and secret changes), newest first, in pages (platform admins)' })
  async list(
    @CurrentPrincipal() p: Principal,
    @Query('action') action: string | undefined,
    @Query('actor') actor: string | undefined,
    @Query('target') target: string | undefined,
    @Query('since') since: string | undefined,
    @Query('until') until: string | undefined,
    @Query('limit') limit: string | undefined,
    @Query('start') start: string | undefined,
  ) {
    if (p.role !== 'admin') throw PlatformError.forbidden('Only platform administrators can read the audit log.');
    const page = pageRequest({ limit, start }, INSTRUCTLAB_PAGE);
    const query = { action, actor, target, since, until };
    const qb = filterAuditEvents(this.db.getRepository(AuditEventEntity).createQueryBuilder('e'), query);
    const result = await keysetPage(qb, NEWEST_FIRST('e'), page);
    return { audit_events: result.items.map(auditEventView), ...pageFields(`${this.publicUrl}/v1/audit_events`, query, result) };
  }
}
