import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Inject,
  Param,
  Patch,
  Post,
  Put,
  Query,
  applyDecorators,
  type OnModuleInit,
} from '@nestjs/common';
import type { ClientGrpc } from '@nestjs/microservices';
import { ApiBody, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { PlatformError, unary } from '@platform/common';
import { promptsV1 } from '@platform/contracts';
import { ContainerAccessService } from '../access/container-access.service';
import { CurrentPrincipal, type Principal } from '../auth/principal';
import type { MemberRole } from '../identity/membership.entity';
import { ChatItemDto } from './prompt-fields.dto';
import { PromptLockRequest } from './prompt.dto';
import { CreatePromptSessionRequest, PromptSessionEntryRequest, UpdatePromptSessionRequest } from './prompt-session.dto';
import { callerOf, chatItemsOf, json, requirePathId } from './prompt-request';
import { queryFlag } from '../http/query-flag';
import { entryListView, entryView, lockView, sessionView } from './prompt-view';
import { PROMPTS_CLIENT } from './prompts-client';

/** Seed: "Limit for results to retrieve, default 20". */
const MAX_ENTRIES_PAGE = 100;

const IN_PROJECT = applyDecorators(ApiQuery({ name: 'project_id', required: true }));

function entryRequest(body: PromptSessionEntryRequest) {
  return {
    name: body.name,
    description: body.description ?? '',
    createdAt: body.created_at ?? 0,
    promptVariablesJson: json(body.prompt_variables),
    isTemplate: body.is_template ?? false,
    inputMode: body.input_mode ?? '',
    modelVersionJson: json(body.model_version),
    promptJson: json(body.prompt),
  };
}

/**
 * Prompt sessions (seed 001): the history of a user's prompt experiments, in a project (the seed names no space
 * target for them), kept by the prompts service. Every route is served at the seed's path (`/v1/prompt_sessions…`)
 * and at the official SDK's (`/wx/v1/prompt_sessions…`) by one handler. Reads need the viewer role on the project,
 * changes the editor role; a session locked by another user cannot be changed (the service's rule).
 */
@ApiTags('Prompt sessions')
@Controller()
export class PromptSessionsController implements OnModuleInit {
  private prompts!: promptsV1.PromptServiceClient;

  constructor(
    @Inject(PROMPTS_CLIENT) private readonly client: ClientGrpc,
    private readonly access: ContainerAccessService,
  ) {}

  onModuleInit(): void {
    this.prompts = this.client.getService<promptsV1.PromptServiceClient>(promptsV1.PROMPT_SERVICE_NAME);
  }

  /** The project (required) the caller must hold `role` on, and the caller as the service needs it. */
  private async project(projectId: string | undefined, p: Principal, role: MemberRole) {
    if (projectId === undefined || projectId === '')
      throw PlatformError.invalid('project_id is required: prompt sessions live in projects.', 'project_id');
    const held = await this.access.require('project', projectId, p, role);
    return { projectId, caller: callerOf(p, held.role) };
  }

  @Post(['v1/prompt_sessions', 'wx/v1/prompt_sessions'])
  @HttpCode(201)
  @IN_PROJECT
  @ApiOperation({
    summary: 'Create a prompt session, with up to 50 entries (editor role); POST /v1/prompt_sessions and /wx/v1/prompt_sessions',
  })
  async create(
    @Query('project_id') projectId: string | undefined,
    @Body() body: CreatePromptSessionRequest,
    @CurrentPrincipal() p: Principal,
  ) {
    const c = await this.project(projectId, p, 'editor');
    const res = await unary(
      this.prompts.createPromptSession({
        ...c,
        name: body.name,
        description: body.description ?? '',
        createdAt: body.created_at ?? 0,
        lock: body.lock && { locked: body.lock.locked, lockType: body.lock.lock_type ?? '', lockedBy: '' },
        promptsJson: body.prompts?.length ? json(body.prompts.map((e) => ({ ...e, id: undefined }))) : '',
      }),
    );
    return sessionView(res.session as promptsV1.PromptSession);
  }

  @Get(['v1/prompt_sessions/:session_id', 'wx/v1/prompt_sessions/:session_id'])
  @IN_PROJECT
  @ApiQuery({ name: 'prefetch', required: false, enum: ['true', 'false'], description: 'Include the most recent entry.' })
  @ApiOperation({ summary: 'Get a prompt session; GET /v1/prompt_sessions/{session_id}' })
  async get(
    @Param('session_id') id: string,
    @Query('project_id') projectId: string | undefined,
    @Query('prefetch') prefetch: string | undefined,
    @CurrentPrincipal() p: Principal,
  ) {
    requirePathId(id, 'session_id');
    const withLatest = queryFlag(prefetch, 'prefetch', false);
    const c = await this.project(projectId, p, 'viewer');
    const res = await unary(this.prompts.getPromptSession({ projectId: c.projectId, sessionId: id, prefetch: withLatest }));
    return sessionView(res.session as promptsV1.PromptSession);
  }

  @Patch(['v1/prompt_sessions/:session_id', 'wx/v1/prompt_sessions/:session_id'])
  @IN_PROJECT
  @ApiOperation({ summary: 'Rename or describe a prompt session (editor role); PATCH /v1/prompt_sessions/{session_id}' })
  async update(
    @Param('session_id') id: string,
    @Query('project_id') projectId: string | undefined,
    @Body() body: UpdatePromptSessionRequest,
    @CurrentPrincipal() p: Principal,
  ) {
    requirePathId(id, 'session_id');
    const c = await this.project(projectId, p, 'editor');
    const res = await unary(this.prompts.updatePromptSession({ ...c, sessionId: id, name: body.name, description: body.description }));
    return sessionView(res.session as promptsV1.PromptSession);
  }

  @Delete(['v1/prompt_sessions/:session_id', 'wx/v1/prompt_sessions/:session_id'])
  @HttpCode(204)
  @IN_PROJECT
  @ApiOperation({ summary: 'Delete a prompt session and its entries (editor role); DELETE /v1/prompt_sessions/{session_id}' })
  async delete(
    @Param('session_id') id: string,
    @Query('project_id') projectId: string | undefined,
    @CurrentPrincipal() p: Principal,
  ): Promise<void> {
    requirePathId(id, 'session_id');
    const c = await this.project(projectId, p, 'editor');
    await unary(this.prompts.deletePromptSession({ ...c, sessionId: id }));
  }

  @Post(['v1/prompt_sessions/:session_id/entries', 'wx/v1/prompt_sessions/:session_id/entries'])
  @HttpCode(201)
  @IN_PROJECT
  @ApiOperation({ summary: 'Add a prompt to a session (editor role); POST /v1/prompt_sessions/{session_id}/entries' })
  async createEntry(
    @Param('session_id') id: string,
    @Query('project_id') projectId: string | undefined,
    @Body() body: PromptSessionEntryRequest,
    @CurrentPrincipal() p: Principal,
  ) {
    requirePathId(id, 'session_id');
    const c = await this.project(projectId, p, 'editor');
    const res = await unary(this.prompts.createPromptSessionEntry({ ...c, sessionId: id, ...entryRequest(body) }));
    return entryView(res.entry as promptsV1.PromptSessionEntry);
  }

  @Get(['v1/prompt_sessions/:session_id/entries', 'wx/v1/prompt_sessions/:session_id/entries'])
  @IN_PROJECT
  @ApiQuery({ name: 'bookmark', required: false, description: 'The bookmark of the previous page.' })
  @ApiQuery({ name: 'limit', required: false, description: `1-${MAX_ENTRIES_PAGE}, default 20` })
  @ApiOperation({ summary: 'List the entries of a prompt session, newest first; GET /v1/prompt_sessions/{session_id}/entries' })
  async listEntries(
    @Param('session_id') id: string,
    @Query('project_id') projectId: string | undefined,
    @Query('bookmark') bookmark: string | undefined,
    @Query('limit') limit: string | undefined,
    @CurrentPrincipal() p: Principal,
  ) {
    requirePathId(id, 'session_id');
    const n = limit === undefined || limit === '' ? 20 : /^\d{1,4}$/.test(limit) ? Number(limit) : NaN;
    if (!Number.isInteger(n) || n < 1 || n > MAX_ENTRIES_PAGE)
      throw PlatformError.invalid(`limit must be an integer from 1 to ${MAX_ENTRIES_PAGE}.`, 'limit');
    if (bookmark !== undefined && (bookmark.length > 512 || !/^[A-Za-z0-9_=-]*$/.test(bookmark)))
      throw PlatformError.invalid('bookmark must be the bookmark of a previous page.', 'bookmark');
    const c = await this.project(projectId, p, 'viewer');
    const res = await unary(
      this.prompts.listPromptSessionEntries({ projectId: c.projectId, sessionId: id, bookmark: bookmark ?? '', limit: n }),
    );
    return entryListView(res);
  }

  @Get(['v1/prompt_sessions/:session_id/entries/:entry_id', 'wx/v1/prompt_sessions/:session_id/entries/:entry_id'])
  @IN_PROJECT
  @ApiOperation({ summary: 'Get a prompt session entry; GET /v1/prompt_sessions/{session_id}/entries/{entry_id}' })
  async getEntry(
    @Param('session_id') id: string,
    @Param('entry_id') entryId: string,
    @Query('project_id') projectId: string | undefined,
    @CurrentPrincipal() p: Principal,
  ) {
    requirePathId(id, 'session_id');
    requirePathId(entryId, 'entry_id');
    const c = await this.project(projectId, p, 'viewer');
    const res = await unary(this.prompts.getPromptSessionEntry({ projectId: c.projectId, sessionId: id, entryId }));
    return entryView(res.entry as promptsV1.PromptSessionEntry);
  }

  @Delete(['v1/prompt_sessions/:session_id/entries/:entry_id', 'wx/v1/prompt_sessions/:session_id/entries/:entry_id'])
  @HttpCode(204)
  @IN_PROJECT
  @ApiOperation({ summary: 'Delete a prompt session entry (editor role); DELETE /v1/prompt_sessions/{session_id}/entries/{entry_id}' })
  async deleteEntry(
    @Param('session_id') id: string,
    @Param('entry_id') entryId: string,
    @Query('project_id') projectId: string | undefined,
    @CurrentPrincipal() p: Principal,
  ): Promise<void> {
    requirePathId(id, 'session_id');
    requirePathId(entryId, 'entry_id');
    const c = await this.project(projectId, p, 'editor');
    await unary(this.prompts.deletePromptSessionEntry({ ...c, sessionId: id, entryId }));
  }

  @Post(['v1/prompt_sessions/:session_id/entries/:entry_id/chat_items', 'wx/v1/prompt_sessions/:session_id/entries/:entry_id/chat_items'])
  @HttpCode(204)
  @IN_PROJECT
  @ApiBody({ type: ChatItemDto, isArray: true })
  @ApiOperation({
    summary: 'Add chat items to a prompt session entry (editor role); POST /v1/prompt_sessions/{session_id}/entries/{entry_id}/chat_items',
  })
  async addEntryChatItems(
    @Param('session_id') id: string,
    @Param('entry_id') entryId: string,
    @Query('project_id') projectId: string | undefined,
    @Body() body: unknown,
    @CurrentPrincipal() p: Principal,
  ): Promise<void> {
    requirePathId(id, 'session_id');
    requirePathId(entryId, 'entry_id');
    const items = await chatItemsOf(body);
    const c = await this.project(projectId, p, 'editor');
    await unary(this.prompts.addPromptSessionEntryChatItems({ ...c, sessionId: id, entryId, chatItemsJson: json(items) }));
  }

  @Put(['v1/prompt_sessions/:session_id/lock', 'wx/v1/prompt_sessions/:session_id/lock'])
  @IN_PROJECT
  @ApiQuery({
    name: 'force',
    required: false,
    enum: ['true', 'false'],
    description: 'Override a lock another user holds (its holder or a project admin).',
  })
  @ApiOperation({ summary: 'Lock or unlock a prompt session (editor role); PUT /v1/prompt_sessions/{session_id}/lock' })
  async updateLock(
    @Param('session_id') id: string,
    @Query('project_id') projectId: string | undefined,
    @Query('force') force: string | undefined,
    @Body() body: PromptLockRequest,
    @CurrentPrincipal() p: Principal,
  ) {
    requirePathId(id, 'session_id');
    const forced = queryFlag(force, 'force', false);
    const c = await this.project(projectId, p, 'editor');
    const res = await unary(
      this.prompts.updatePromptSessionLock({ ...c, sessionId: id, locked: body.locked, lockType: body.lock_type ?? '', force: forced }),
    );
    return lockView(res.lock);
  }

  @Get(['v1/prompt_sessions/:session_id/lock', 'wx/v1/prompt_sessions/:session_id/lock'])
  @IN_PROJECT
  @ApiOperation({ summary: 'Get the lock of a prompt session; GET /v1/prompt_sessions/{session_id}/lock' })
  async getLock(@Param('session_id') id: string, @Query('project_id') projectId: string | undefined, @CurrentPrincipal() p: Principal) {
    requirePathId(id, 'session_id');
    const c = await this.project(projectId, p, 'viewer');
    const res = await unary(this.prompts.getPromptSessionLock({ projectId: c.projectId, sessionId: id }));
    return lockView(res.lock);
  }
}
