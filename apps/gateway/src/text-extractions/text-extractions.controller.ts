import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Query, Res, type OnModuleInit } from '@nestjs/common';
import type { ClientGrpc } from '@nestjs/microservices';
import { ApiHeader, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { TextExtractionJson, TextExtractionListJson } from '@platform/api-types';
import { WATSONX_PAGE, pageLinks, pageRequest, unary } from '@platform/common';
import { documentsV1 } from '@platform/contracts';
import type { FastifyReply } from 'fastify';
import { ContainerAccessService } from '../access/container-access.service';
import { IN_CONTAINER_VERSIONED, resourceContainer } from '../access/resource-container';
import { CurrentPrincipal, type Principal } from '../auth/principal';
import { DOCUMENTS_CLIENT } from '../documents/documents-client';
import { PUBLIC_URL } from '../http/public-url';
import { requireVersion } from '../inference/api-version';
import { CreateTextExtractionRequest, extractionRequestJson } from './text-extraction.dto';
import { textExtractionView } from './text-extraction-view';
import { queryFlag } from '../http/query-flag';

/**
 * watsonx.ai text extractions (seed 001; the official SDK's createTextExtraction, listTextExtractions,
 * getTextExtraction, deleteTextExtraction): a document in the project's or space's storage turned into Markdown, HTML,
 * plain text, an assembly JSON or page images written back to that storage, as jobs of the documents service.
 * Routes: POST /ml/v1/text/extractions, GET /ml/v1/text/extractions, GET /ml/v1/text/extractions/{id},
 * DELETE /ml/v1/text/extractions/{id}. Reads need the viewer role, changes the editor role.
 */
@ApiTags('Text extractions')
@Controller('ml/v1/text/extractions')
export class TextExtractionsController implements OnModuleInit {
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
  @ApiHeader({ name: 'Content-Location', description: 'In the answer: the created extraction’s URL.', required: false })
  @ApiOperation({ summary: 'Start extracting text from a document in the project or space storage (editor role)' })
  async create(
    @Query('version') version: string | undefined,
    @Body() body: CreateTextExtractionRequest,
    @CurrentPrincipal() p: Principal,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<TextExtractionJson> {
    requireVersion(version);
    const c = await resourceContainer(this.access, body, p, 'editor');
    const res = await unary(
      this.documents.createExtraction({ ...c, name: body.name ?? '', createdBy: p.userId, requestJson: extractionRequestJson(body) }),
    );
    const view = textExtractionView(res.extraction as documentsV1.Extraction);
    // The seed: "The Content-Location header will contain the URI reference to the created resource."
    void reply.header('Content-Location', `${this.publicUrl}/ml/v1/text/extractions/${encodeURIComponent(view.metadata.id)}`);
    return view;
  }

  @Get()
  @IN_CONTAINER_VERSIONED
  @ApiQuery({ name: 'start', required: false })
  @ApiQuery({ name: 'limit', required: false })
  @ApiQuery({ name: 'total_count', required: false, enum: ['true', 'false'] })
  @ApiOperation({ summary: 'List the text extractions of a project or space, newest first, in pages' })
  async list(
    @Query('version') version: string | undefined,
    @Query('project_id') projectId: string | undefined,
    @Query('space_id') spaceId: string | undefined,
    @Query('start') start: string | undefined,
    @Query('limit') limit: string | undefined,
    @Query('total_count') totalCount: string | undefined,
    @CurrentPrincipal() p: Principal,
  ): Promise<TextExtractionListJson> {
    const v = requireVersion(version);
    const countAsked = queryFlag(totalCount, 'total_count');
    const page = pageRequest({ limit, start }, WATSONX_PAGE);
    const c = await resourceContainer(this.access, { project_id: projectId, space_id: spaceId }, p, 'viewer');
    const res = await unary(this.documents.listExtractions({ ...c, ...page }));
    const query = { version: v, project_id: projectId, space_id: spaceId, total_count: totalCount };
    return {
      limit: page.limit,
      ...pageLinks(`${this.publicUrl}/ml/v1/text/extractions`, query, { limit: page.limit, nextStart: res.nextStart }),
      ...(countAsked ? { total_count: Number(res.totalCount) } : {}),
      resources: res.extractions.map(textExtractionView),
    };
  }

  @Get(':id')
  @IN_CONTAINER_VERSIONED
  @ApiOperation({ summary: 'Get a text extraction: its status, pages processed and where its results are (retained 2 days)' })
  async get(
    @Query('version') version: string | undefined,
    @Query('project_id') projectId: string | undefined,
    @Query('space_id') spaceId: string | undefined,
    @Param('id') id: string,
    @CurrentPrincipal() p: Principal,
  ): Promise<TextExtractionJson> {
    requireVersion(version);
    const c = await resourceContainer(this.access, { project_id: projectId, space_id: spaceId }, p, 'viewer');
    const res = await unary(this.documents.getExtraction({ ...c, id }));
    return textExtractionView(res.extraction as documentsV1.Extraction);
  }

  @Delete(':id')
  @HttpCode(204)
  @IN_CONTAINER_VERSIONED
  @ApiQuery({ name: 'hard_delete', required: false, enum: ['true', 'false'] })
  @ApiOperation({ summary: 'Cancel a text extraction and delete its results; with hard_delete=true the request too' })
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
    await unary(this.documents.deleteExtraction({ ...c, id, hardDelete: hard }));
  }
}
