import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Inject,
  Param,
  ParseArrayPipe,
  Patch,
  Post,
  Query,
  Res,
  type OnModuleInit,
} from '@nestjs/common';
import type { ClientGrpc } from '@nestjs/microservices';
import { ApiBody, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { PlatformError, WATSONX_PAGE, pageLinks, pageRequest, unary } from '@platform/common';
import { deploymentV1 } from '@platform/contracts';
import { ContainerAccessService } from '../access/container-access.service';
import { CurrentPrincipal, type Principal } from '../auth/principal';
import { PUBLIC_URL } from '../http/public-url';
import { requireVersion } from '../inference/api-version';
import { DEPLOYMENT_CLIENT } from './deployment-client';
import { CreateDeploymentRequest, DeploymentPatchOperation } from './deployment.dto';
import { deploymentView } from './deployment-view';
import { IN_CONTAINER_VERSIONED, resourceContainer } from '../access/resource-container';
import { queryFlag } from '../http/query-flag';

const STATES = ['initializing', 'updating', 'ready', 'failed'];

const json = (v: unknown): string => (v === undefined ? '' : JSON.stringify(v));

function createRequest(body: CreateDeploymentRequest, c: { projectId: string; spaceId: string }, userId: string) {
  const hw = body.hardware_spec;
  const hr = body.hardware_request;
  return {
    ...c,
    name: body.name,
    description: body.description ?? '',
    tags: body.tags ?? [],
    customJson: json(body.custom),
    assetId: body.asset?.id,
    promptTemplateId: body.prompt_template?.id,
    baseModelId: body.base_model_id,
    baseDeploymentId: body.base_deployment_id,
    online: true,
    onlineParametersJson: json(body.online.parameters),
    hardwareSpec: hw && { id: hw.id ?? '', name: hw.name ?? '', numNodes: hw.num_nodes ?? 0 },
    hardwareRequest: hr && { size: hr.size ?? '', numNodes: hr.num_nodes ?? 0 },
    createdBy: userId,
  };
}

/**
 * watsonx.ai online deployments (seed 001), served by the deployment service: POST, GET (list, and `conflict=true` to
 * ask whether a serving name is free), GET/PATCH/DELETE /ml/v4/deployments/{deployment_id}. Reads need the viewer
 * role on the deployment's project or space, changes the editor role.
 */
@ApiTags('Deployments')
@Controller('ml/v4/deployments')
export class DeploymentsController implements OnModuleInit {
  private deployments!: deploymentV1.DeploymentServiceClient;

  constructor(
    @Inject(DEPLOYMENT_CLIENT) private readonly client: ClientGrpc,
    @Inject(PUBLIC_URL) private readonly publicUrl: string,
    private readonly access: ContainerAccessService,
  ) {}

  onModuleInit(): void {
    this.deployments = this.client.getService<deploymentV1.DeploymentServiceClient>(deploymentV1.DEPLOYMENT_SERVICE_NAME);
  }

  @Post()
  @HttpCode(201)
  @ApiQuery({ name: 'version', required: true, example: '2024-05-31' })
  @ApiOperation({ summary: 'Deploy a model asset or a prompt template online (editor role)' })
  async create(@Query('version') version: string | undefined, @Body() body: CreateDeploymentRequest, @CurrentPrincipal() p: Principal) {
    requireVersion(version);
    const c = await resourceContainer(this.access, body, p, 'editor');
    const res = await unary(this.deployments.createDeployment(createRequest(body, c, p.userId)));
    return deploymentView(res.deployment as deploymentV1.Deployment, this.publicUrl);
  }

  @Get()
  @IN_CONTAINER_VERSIONED
  @ApiQuery({ name: 'serving_name', required: false })
  @ApiQuery({ name: 'conflict', required: false, enum: ['true', 'false'], description: 'With serving_name: 204 if free, 409 if taken.' })
  @ApiQuery({ name: 'tag.value', required: false })
  @ApiQuery({ name: 'asset_id', required: false })
  @ApiQuery({ name: 'prompt_template_id', required: false })
  @ApiQuery({ name: 'name', required: false })
  @ApiQuery({ name: 'type', required: false, example: 'custom_foundation_model' })
  @ApiQuery({ name: 'state', required: false, enum: STATES })
  @ApiQuery({ name: 'start', required: false })
  @ApiQuery({ name: 'limit', required: false })
  @ApiQuery({ name: 'total_count', required: false, enum: ['true', 'false'] })
  @ApiResponse({ status: 204, description: 'conflict=true: the serving name is free.' })
  @ApiResponse({ status: 409, description: 'conflict=true: the serving name is taken.' })
  @ApiOperation({ summary: 'List the deployments of a project or space, or (conflict=true) check that a serving name is free' })
  async list(
    @Query('version') version: string | undefined,
    @Query('project_id') projectId: string | undefined,
    @Query('space_id') spaceId: string | undefined,
    @Query('serving_name') servingName: string | undefined,
    @Query('conflict') conflict: string | undefined,
    @Query('tag.value') tagValue: string | undefined,
    @Query('asset_id') assetId: string | undefined,
    @Query('prompt_template_id') promptTemplateId: string | undefined,
    @Query('name') name: string | undefined,
    @Query('type') type: string | undefined,
    @Query('state') state: string | undefined,
    @Query('start') start: string | undefined,
    @Query('limit') limit: string | undefined,
    @Query('total_count') totalCount: string | undefined,
    @CurrentPrincipal() p: Principal,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const v = requireVersion(version);
    const countAsked = queryFlag(totalCount, 'total_count');
    if (queryFlag(conflict, 'conflict')) {
      const others = { tagValue, assetId, promptTemplateId, name, type, state, start, limit, totalCount };
      if (Object.values(others).some((x) => x !== undefined))
        throw PlatformError.invalid('conflict cannot be combined with any other parameter except serving_name.', 'conflict');
      if (!servingName) throw PlatformError.invalid('conflict=true needs the serving_name to check.', 'serving_name');
      // Serving names are unique across the platform; a container, when the SDK's client names one, must be the caller's.
      if (projectId !== undefined || spaceId !== undefined)
        await resourceContainer(this.access, { project_id: projectId, space_id: spaceId }, p, 'viewer');
      const res = await unary(this.deployments.checkServingName({ servingName }));
      if (!res.available) throw PlatformError.conflict(`The serving name '${servingName}' is already in use.`, 'serving_name');
      reply.status(204);
      return;
    }
    if (state !== undefined && !STATES.includes(state)) throw PlatformError.invalid(`state must be one of ${STATES.join(', ')}.`, 'state');
    const page = pageRequest({ limit, start }, WATSONX_PAGE);
    const c = await resourceContainer(this.access, { project_id: projectId, space_id: spaceId }, p, 'viewer');
    const res = await unary(
      this.deployments.listDeployments({
        ...c,
        servingName: servingName ?? '',
        tagValue: tagValue ?? '',
        assetId: assetId ?? '',
        promptTemplateId: promptTemplateId ?? '',
        name: name ?? '',
        type: type ?? '',
        state: state ?? '',
        ...page,
      }),
    );
    const query = {
      version: v,
      project_id: projectId,
      space_id: spaceId,
      serving_name: servingName,
      'tag.value': tagValue,
      asset_id: assetId,
      prompt_template_id: promptTemplateId,
      name,
      type,
      state,
      total_count: totalCount,
    };
    return {
      limit: page.limit,
      ...pageLinks(`${this.publicUrl}/ml/v4/deployments`, query, { limit: page.limit, nextStart: res.nextStart }),
      // Counted only when asked, as the seed says.
      ...(countAsked ? { total_count: res.totalCount } : {}),
      resources: res.deployments.map((d) => deploymentView(d, this.publicUrl)),
    };
  }

  @Get(':deployment_id')
  @IN_CONTAINER_VERSIONED
  @ApiOperation({ summary: 'Get a deployment, its state and inference URLs' })
  async get(
    @Query('version') version: string | undefined,
    @Query('project_id') projectId: string | undefined,
    @Query('space_id') spaceId: string | undefined,
    @Param('deployment_id') id: string,
    @CurrentPrincipal() p: Principal,
  ) {
    requireVersion(version);
    const c = await resourceContainer(this.access, { project_id: projectId, space_id: spaceId }, p, 'viewer');
    const res = await unary(this.deployments.getDeployment({ ...c, id }));
    return deploymentView(res.deployment as deploymentV1.Deployment, this.publicUrl);
  }

  @Patch(':deployment_id')
  @HttpCode(202)
  @IN_CONTAINER_VERSIONED
  @ApiBody({ type: DeploymentPatchOperation, isArray: true })
  @ApiOperation({
    summary:
      'Update a deployment with a JSON patch (editor role): name, description, tags, custom, online parameters (serving_name), asset, hardware spec (replicas); a new asset or replica count swaps replicas without failed requests',
  })
  async update(
    @Query('version') version: string | undefined,
    @Query('project_id') projectId: string | undefined,
    @Query('space_id') spaceId: string | undefined,
    @Param('deployment_id') id: string,
    @Body(new ParseArrayPipe({ items: DeploymentPatchOperation })) ops: DeploymentPatchOperation[],
    @CurrentPrincipal() p: Principal,
  ) {
    requireVersion(version);
    if (ops.length === 0) throw PlatformError.invalid('The patch has no operations.', 'body');
    const c = await resourceContainer(this.access, { project_id: projectId, space_id: spaceId }, p, 'editor');
    const patch = ops.map(({ op, path, value }) => (op === 'remove' ? { op, path } : { op, path, value }));
    const res = await unary(this.deployments.updateDeployment({ ...c, id, patchJson: JSON.stringify(patch) }));
    return deploymentView(res.deployment as deploymentV1.Deployment, this.publicUrl);
  }

  @Delete(':deployment_id')
  @HttpCode(204)
  @IN_CONTAINER_VERSIONED
  @ApiOperation({ summary: 'Delete a deployment (editor role): its serving name is free at once, its replicas drain and stop' })
  async delete(
    @Query('version') version: string | undefined,
    @Query('project_id') projectId: string | undefined,
    @Query('space_id') spaceId: string | undefined,
    @Param('deployment_id') id: string,
    @CurrentPrincipal() p: Principal,
  ): Promise<void> {
    requireVersion(version);
    const c = await resourceContainer(this.access, { project_id: projectId, space_id: spaceId }, p, 'editor');
    await unary(this.deployments.deleteDeployment({ ...c, id }));
  }
}
