import { Controller, Get, Headers, Query, Res } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import { PlatformError } from '@platform/common';
import type { FastifyReply } from 'fastify';
import { ContainerAccessService } from '../access/container-access.service';
import { projectOrDefault } from '../access/request-project';
import { CurrentPrincipal, type Principal } from '../auth/principal';
import { UsersService } from '../identity/users.service';
import { parseEventFilters, MAX_FILTER_VALUES } from './event-filters';
import { EventStreams } from './event-streams';
import type { EventSelection } from './public-event';

interface EventsQuery {
  project_id?: string;
  space_id?: string;
  type?: string;
  resource_id?: string;
  last_event_id?: string;
}

/**
 * `GET /v1/events`: the public job events of one project or space as server-sent events, read from the platform's
 * JetStream events stream (docs/events.md; the payloads in /asyncapi.json).
 */
@ApiTags('Events')
@Controller('v1')
export class EventsController {
  constructor(
    private readonly access: ContainerAccessService,
    private readonly users: UsersService,
    private readonly streams: EventStreams,
  ) {}

  @Get('events')
  @ApiProduces('text/event-stream')
  @ApiOperation({
    summary:
      'Job events of a project or space as server-sent events (id: the stream sequence; resume with Last-Event-ID); payloads in /asyncapi.json',
  })
  @ApiQuery({ name: 'project_id', required: false, description: "the project (default: the caller's default project)" })
  @ApiQuery({ name: 'space_id', required: false, description: 'a space instead of a project' })
  @ApiQuery({ name: 'type', required: false, description: `event types, comma-separated (at most ${MAX_FILTER_VALUES}); default all` })
  @ApiQuery({ name: 'resource_id', required: false, description: `resource ids, comma-separated (at most ${MAX_FILTER_VALUES})` })
  @ApiQuery({ name: 'last_event_id', required: false, description: 'resume after this event id (the Last-Event-ID header wins)' })
  @ApiHeader({ name: 'Last-Event-ID', required: false, description: 'resume after this event id' })
  async events(
    @Query('project_id') projectId: string | undefined,
    @Query('space_id') spaceId: string | undefined,
    @Query('type') type: string | undefined,
    @Query('resource_id') resourceId: string | undefined,
    @Query('last_event_id') lastEventId: string | undefined,
    @Headers('last-event-id') lastEventIdHeader: string | undefined,
    @CurrentPrincipal() p: Principal,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const selection = await this.container({ project_id: projectId, space_id: spaceId }, p);
    const query: EventsQuery = { type, resource_id: resourceId, last_event_id: lastEventId };
    const filters = parseEventFilters(query, lastEventIdHeader);
    const stillAllowed = () => this.access.check(selection.kind, selection.containerId, p, 'viewer');
    await this.streams.serve(
      reply,
      p.userId,
      { ...selection, types: filters.types, resourceIds: filters.resourceIds },
      filters,
      stillAllowed,
    );
  }

  /** The container, checked for viewer access first (as every project route: a non-member learns nothing from a 400). */
  private async container(given: { project_id?: string; space_id?: string }, p: Principal): Promise<EventSelection> {
    if (given.project_id !== undefined && given.space_id !== undefined)
      throw PlatformError.invalid('Give either project_id or space_id, not both.', 'space_id');
    if (given.space_id !== undefined) {
      await this.access.require('space', given.space_id, p, 'viewer');
      return { kind: 'space', containerId: given.space_id };
    }
    const projectId = await projectOrDefault(this.users, given.project_id, p);
    await this.access.require('project', projectId, p, 'viewer');
    return { kind: 'project', containerId: projectId };
  }
}
