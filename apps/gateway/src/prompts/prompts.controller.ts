import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Patch, Post, Put, Query, type OnModuleInit } from '@nestjs/common';
import type { ClientGrpc } from '@nestjs/microservices';
import { ApiBody, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { unary } from '@platform/common';
import { promptsV1 } from '@platform/contracts';
import { ContainerAccessService } from '../access/container-access.service';
import { CurrentPrincipal, type Principal } from '../auth/principal';
import { IN_CONTAINER, resourceContainerAccess } from '../access/resource-container';
import { PUBLIC_URL } from '../http/public-url';
import type { MemberRole } from '../identity/membership.entity';
import { ChatItemDto } from './prompt-fields.dto';
import { CreatePromptRequest, PromptInputRequest, PromptLockRequest, PromptSearchRequest, UpdatePromptRequest } from './prompt.dto';
import { callerOf, chatItemsOf, json, requirePathId } from './prompt-request';
import { queryFlag } from '../http/query-flag';
import { WX_PROMPT_QUERY, promptSearchFilter, promptSearchView } from './prompt-search';
import { lockView, promptView } from './prompt-view';
import { PROMPTS_CLIENT } from './prompts-client';

type Given = { project_id?: string; space_id?: string };

/**
 * Prompts and prompt templates (seed 001), kept by the prompts service. Every route is served at the seed's path
 * (`/v1/prompts…`) and at the official SDK's (`/wx/v1/prompts…`, its data-platform prefix) by one handler; the SDK
 * lists prompts through the asset search `POST /v2/asset_types/wx_prompt/search`. Reads need the viewer role on the
 * prompt's project or space, changes the editor role; locks are the service's (a prompt locked by another user cannot
 * be changed; the holder or a container admin may force).
 */
@ApiTags('Prompts')
@Controller()
export class PromptsController implements OnModuleInit {
  private prompts!: promptsV1.PromptServiceClient;

  constructor(
    @Inject(PROMPTS_CLIENT) private readonly client: ClientGrpc,
    @Inject(PUBLIC_URL) private readonly publicUrl: string,
    private readonly access: ContainerAccessService,
  ) {}

  onModuleInit(): void {
    this.prompts = this.client.getService<promptsV1.PromptServiceClient>(promptsV1.PROMPT_SERVICE_NAME);
  }

  private async container(given: Given, p: Principal, role: MemberRole) {
    const { container, role: held } = await resourceContainerAccess(this.access, given, p, role);
    return { ...container, caller: callerOf(p, held) };
  }

  @Post(['v1/prompts', 'wx/v1/prompts'])
  @HttpCode(201)
  @IN_CONTAINER
  @ApiOperation({ summary: 'Create a prompt or prompt template (editor role); POST /v1/prompts and the SDK’s /wx/v1/prompts' })
  async create(
    @Query('project_id') projectId: string | undefined,
    @Query('space_id') spaceId: string | undefined,
    @Body() body: CreatePromptRequest,
    @CurrentPrincipal() p: Principal,
  ) {
    const c = await this.container({ project_id: projectId, space_id: spaceId }, p, 'editor');
    const res = await unary(
      this.prompts.createPrompt({
        ...c,
        name: body.name,
        description: body.description ?? '',
        createdAt: body.created_at ?? 0,
        taskIds: body.task_ids ?? [],
        lock: body.lock && { locked: body.lock.locked, lockType: body.lock.lock_type ?? '', lockedBy: '' },
        modelVersionJson: json(body.model_version),
        promptVariablesJson: json(body.prompt_variables),
        inputMode: body.input_mode ?? '',
        promptJson: json(body.prompt),
      }),
    );
    return promptView(res.prompt as promptsV1.Prompt);
  }

  @Post('v2/asset_types/wx_prompt/search')
  @HttpCode(200)
  @IN_CONTAINER
  @ApiOperation({ summary: 'List the prompts of a project or space, newest first, as the data platform’s asset search (viewer role)' })
  async search(
    @Query('project_id') projectId: string | undefined,
    @Query('space_id') spaceId: string | undefined,
    @Body() body: PromptSearchRequest,
    @CurrentPrincipal() p: Principal,
  ) {
    const { name } = promptSearchFilter(body.query);
    const c = await this.container({ project_id: projectId, space_id: spaceId }, p, 'viewer');
    const limit = body.limit ?? 100;
    const res = await unary(
      this.prompts.searchPrompts({ projectId: c.projectId, spaceId: c.spaceId, name, limit, bookmark: body.bookmark ?? '' }),
    );
    return promptSearchView(res, body.query ?? WX_PROMPT_QUERY, limit, this.publicUrl);
  }

  @Get(['v1/prompts/:prompt_id', 'wx/v1/prompts/:prompt_id'])
  @IN_CONTAINER
  @ApiQuery({ name: 'restrict_model_parameters', required: false, enum: ['true', 'false'], description: 'Default true.' })
  @ApiOperation({ summary: 'Get a prompt; GET /v1/prompts/{prompt_id} and /wx/v1/prompts/{prompt_id}' })
  async get(
    @Param('prompt_id') id: string,
    @Query('project_id') projectId: string | undefined,
    @Query('space_id') spaceId: string | undefined,
    @Query('restrict_model_parameters') restrict: string | undefined,
    @CurrentPrincipal() p: Principal,
  ) {
    requirePathId(id, 'prompt_id');
    const restrictModelParameters = queryFlag(restrict, 'restrict_model_parameters', true);
    const { projectId: pid, spaceId: sid } = await this.container({ project_id: projectId, space_id: spaceId }, p, 'viewer');
    const res = await unary(this.prompts.getPrompt({ projectId: pid, spaceId: sid, promptId: id, restrictModelParameters }));
    return promptView(res.prompt as promptsV1.Prompt);
  }

  @Patch(['v1/prompts/:prompt_id', 'wx/v1/prompts/:prompt_id'])
  @IN_CONTAINER
  @ApiOperation({ summary: 'Update a prompt (editor role; refused while another user holds its lock); PATCH /v1/prompts/{prompt_id}' })
  async update(
    @Param('prompt_id') id: string,
    @Query('project_id') projectId: string | undefined,
    @Query('space_id') spaceId: string | undefined,
    @Body() body: UpdatePromptRequest,
    @CurrentPrincipal() p: Principal,
  ) {
    requirePathId(id, 'prompt_id');
    const c = await this.container({ project_id: projectId, space_id: spaceId }, p, 'editor');
    const res = await unary(
      this.prompts.updatePrompt({
        ...c,
        promptId: id,
        name: body.name,
        description: body.description,
        taskIds: body.task_ids && { values: body.task_ids },
        governanceTracked: body.governance_tracked,
        modelVersionJson: body.model_version && json(body.model_version),
        promptVariablesJson: body.prompt_variables && json(body.prompt_variables),
        inputMode: body.input_mode,
        promptJson: body.prompt && json(body.prompt),
      }),
    );
    return promptView(res.prompt as promptsV1.Prompt);
  }

  @Delete(['v1/prompts/:prompt_id', 'wx/v1/prompts/:prompt_id'])
  @HttpCode(204)
  @IN_CONTAINER
  @ApiOperation({
    summary: 'Delete a prompt (editor role; refused while locked by another user or under governance); DELETE /v1/prompts/{prompt_id}',
  })
  async delete(
    @Param('prompt_id') id: string,
    @Query('project_id') projectId: string | undefined,
    @Query('space_id') spaceId: string | undefined,
    @CurrentPrincipal() p: Principal,
  ): Promise<void> {
    requirePathId(id, 'prompt_id');
    const c = await this.container({ project_id: projectId, space_id: spaceId }, p, 'editor');
    await unary(this.prompts.deletePrompt({ ...c, promptId: id }));
  }

  @Put(['v1/prompts/:prompt_id/lock', 'wx/v1/prompts/:prompt_id/lock'])
  @IN_CONTAINER
  @ApiQuery({
    name: 'force',
    required: false,
    enum: ['true', 'false'],
    description: 'Override a lock another user holds (its holder or a container admin).',
  })
  @ApiOperation({ summary: 'Lock or unlock a prompt (editor role); PUT /v1/prompts/{prompt_id}/lock' })
  async updateLock(
    @Param('prompt_id') id: string,
    @Query('project_id') projectId: string | undefined,
    @Query('space_id') spaceId: string | undefined,
    @Query('force') force: string | undefined,
    @Body() body: PromptLockRequest,
    @CurrentPrincipal() p: Principal,
  ) {
    requirePathId(id, 'prompt_id');
    const forced = queryFlag(force, 'force', false);
    const c = await this.container({ project_id: projectId, space_id: spaceId }, p, 'editor');
    const res = await unary(
      this.prompts.updatePromptLock({ ...c, promptId: id, locked: body.locked, lockType: body.lock_type ?? '', force: forced }),
    );
    return lockView(res.lock);
  }

  @Get(['v1/prompts/:prompt_id/lock', 'wx/v1/prompts/:prompt_id/lock'])
  @IN_CONTAINER
  @ApiOperation({ summary: 'Get the lock of a prompt; GET /v1/prompts/{prompt_id}/lock' })
  async getLock(
    @Param('prompt_id') id: string,
    @Query('project_id') projectId: string | undefined,
    @Query('space_id') spaceId: string | undefined,
    @CurrentPrincipal() p: Principal,
  ) {
    requirePathId(id, 'prompt_id');
    const { projectId: pid, spaceId: sid } = await this.container({ project_id: projectId, space_id: spaceId }, p, 'viewer');
    const res = await unary(this.prompts.getPromptLock({ projectId: pid, spaceId: sid, promptId: id }));
    return lockView(res.lock);
  }

  @Post(['v1/prompts/:prompt_id/input', 'wx/v1/prompts/:prompt_id/input'])
  @HttpCode(200)
  @IN_CONTAINER
  @ApiOperation({ summary: 'The inference input of a prompt, its variables filled (viewer role); POST /v1/prompts/{prompt_id}/input' })
  async input(
    @Param('prompt_id') id: string,
    @Query('project_id') projectId: string | undefined,
    @Query('space_id') spaceId: string | undefined,
    @Body() body: PromptInputRequest,
    @CurrentPrincipal() p: Principal,
  ) {
    requirePathId(id, 'prompt_id');
    const { projectId: pid, spaceId: sid } = await this.container({ project_id: projectId, space_id: spaceId }, p, 'viewer');
    const res = await unary(
      this.prompts.getPromptInput({
        projectId: pid,
        spaceId: sid,
        promptId: id,
        input: body.input,
        promptVariablesJson: json(body.prompt_variables),
      }),
    );
    return { input: res.input };
  }

  @Post(['v1/prompts/:prompt_id/chat_items', 'wx/v1/prompts/:prompt_id/chat_items'])
  @HttpCode(204)
  @IN_CONTAINER
  @ApiBody({ type: ChatItemDto, isArray: true })
  @ApiOperation({ summary: 'Add chat items to a prompt (editor role); POST /v1/prompts/{prompt_id}/chat_items' })
  async addChatItems(
    @Param('prompt_id') id: string,
    @Query('project_id') projectId: string | undefined,
    @Query('space_id') spaceId: string | undefined,
    @Body() body: unknown,
    @CurrentPrincipal() p: Principal,
  ): Promise<void> {
    requirePathId(id, 'prompt_id');
    const items = await chatItemsOf(body);
    const c = await this.container({ project_id: projectId, space_id: spaceId }, p, 'editor');
    await unary(this.prompts.addPromptChatItems({ ...c, promptId: id, chatItemsJson: json(items) }));
  }
}
