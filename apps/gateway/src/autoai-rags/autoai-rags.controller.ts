import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Query, type OnModuleInit } from '@nestjs/common';
import type { ClientGrpc } from '@nestjs/microservices';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { AutoAiRagJson, AutoAiRagListJson } from '@platform/api-types';
import { WATSONX_PAGE, pageLinks, pageRequest, unary } from '@platform/common';
import { documentsV1 } from '@platform/contracts';
import { ContainerAccessService } from '../access/container-access.service';
import { IN_CONTAINER_VERSIONED, resourceContainer } from '../access/resource-container';
import { CurrentPrincipal, type Principal } from '../auth/principal';
import { DOCUMENTS_CLIENT } from '../documents/documents-client';
import { PUBLIC_URL } from '../http/public-url';
import { requireVersion } from '../inference/api-version';
import { CreateAutoAiRagRequest, ragRequestJson } from './autoai-rag.dto';
import { autoAiRagView } from './autoai-rag-view';
import { queryFlag } from '../http/query-flag';

/**
 * watsonx.ai AutoAI RAG (seed 001): a search for the best retrieval-augmented generation pattern over the documents
 * and test questions in the project's or space's storage, run by the documents service as an experiment job.
 * Routes: POST /ml/v1/autoai/rags, GET /ml/v1/autoai/rags, GET /ml/v1/autoai/rags/{id}, DELETE /ml/v1/autoai/rags/{id}.
 * Reads need the viewer role, changes the editor role.
 */
@ApiTags('AutoAI RAG')
@Controller('ml/v1/autoai/rags')
export class AutoAiRagsController implements OnModuleInit {
  private documents!: documentsV1.DocumentServiceClient;

  constructor(
    @Inject(DOCUMENTS_CLIENT) private readonly client: ClientGrpc,
    @Inject(PUBLIC_URL) private readonly publicUrl: string,
    private readonly access: ContainerAccessService,
  ) {}

  onModuleInit(): void {
    this.documents = this.client.getService<documentsV1.DocumentServiceClient>(documentsV1.DOCUMENT_SERVICE_NAME);
  }

  @Post()
  @HttpCode(201)
  @ApiQuery({ name: 'version', required: true, example: '2024-05-31' })
  @ApiOperation({ summary: 'Start an AutoAI RAG run: find the best RAG pattern for documents and test questions (editor role)' })
  async create(
    @Query('version') version: string | undefined,
    @Body() body: CreateAutoAiRagRequest,
    @CurrentPrincipal() p: Principal,
  ): Promise<AutoAiRagJson> {
    requireVersion(version);
    const c = await resourceContainer(this.access, body, p, 'editor');
    const res = await unary(
      this.documents.createRagExperiment({
        ...c,
        name: body.name,
        description: body.description ?? '',
        tags: body.tags ?? [],
        createdBy: p.userId,
        requestJson: ragRequestJson(body),
      }),
    );
    return autoAiRagView(res.experiment as documentsV1.RagExperiment);
  }

  @Get()
  @IN_CONTAINER_VERSIONED
  @ApiQuery({ name: 'start', required: false })
  @ApiQuery({ name: 'limit', required: false })
  @ApiQuery({ name: 'total_count', required: false, enum: ['true', 'false'] })
  @ApiOperation({ summary: 'List the AutoAI RAG runs of a project or space, newest first, in pages' })
  async list(
    @Query('version') version: string | undefined,
    @Query('project_id') projectId: string | undefined,
    @Query('space_id') spaceId: string | undefined,
    @Query('start') start: string | undefined,
    @Query('limit') limit: string | undefined,
    @Query('total_count') totalCount: string | undefined,
    @CurrentPrincipal() p: Principal,
  ): Promise<AutoAiRagListJson> {
    const v = requireVersion(version);
    const countAsked = queryFlag(totalCount, 'total_count');
    const page = pageRequest({ limit, start }, WATSONX_PAGE);
    const c = await resourceContainer(this.access, { project_id: projectId, space_id: spaceId }, p, 'viewer');
    const res = await unary(this.documents.listRagExperiments({ ...c, ...page }));
    const query = { version: v, project_id: projectId, space_id: spaceId, total_count: totalCount };
    return {
      limit: page.limit,
      ...pageLinks(`${this.publicUrl}/ml/v1/autoai/rags`, query, { limit: page.limit, nextStart: res.nextStart }),
      ...(countAsked ? { total_count: Number(res.totalCount) } : {}),
      resources: res.experiments.map(autoAiRagView),
    };
  }

  @Get(':id')
  @IN_CONTAINER_VERSIONED
  @ApiOperation({ summary: 'Get an AutoAI RAG run: its status and the patterns evaluated so far, best first' })
  async get(
    @Query('version') version: string | undefined,
    @Query('project_id') projectId: string | undefined,
    @Query('space_id') spaceId: string | undefined,
    @Param('id') id: string,
    @CurrentPrincipal() p: Principal,
  ): Promise<AutoAiRagJson> {
    requireVersion(version);
    const c = await resourceContainer(this.access, { project_id: projectId, space_id: spaceId }, p, 'viewer');
    const res = await unary(this.documents.getRagExperiment({ ...c, id }));
    return autoAiRagView(res.experiment as documentsV1.RagExperiment);
  }

  @Delete(':id')
  @HttpCode(204)
  @IN_CONTAINER_VERSIONED
  @ApiQuery({ name: 'hard_delete', required: false, enum: ['true', 'false'] })
  @ApiOperation({ summary: 'Cancel an AutoAI RAG run; with hard_delete=true delete it, its indexes and its results' })
  async delete(
    @Query('version') version: string | undefined,
    @Query('project_id') projectId: string | undefined,
    @Query('space_id') spaceId: string | undefined,
    @Query('hard_delete') hardDelete: string | undefined,
    @Param('id') id: string,
    @CurrentPrincipal() p: Principal,
  ): Promise<void> {
    requireVersion(version);
    const hard = queryFlag(hardDelete, 'hard_delete');
    const c = await resourceContainer(this.access, { project_id: projectId, space_id: spaceId }, p, 'editor');
    await unary(this.documents.deleteRagExperiment({ ...c, id, hardDelete: hard }));
  }
}
