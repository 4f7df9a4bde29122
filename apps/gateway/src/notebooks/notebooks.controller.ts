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
  Res,
  applyDecorators,
  type OnModuleInit,
} from '@nestjs/common';
import type { ClientGrpc } from '@nestjs/microservices';
import { ApiOperation, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { NotebookAssetJson, NotebookListJson, NotebookVersionJson, NotebookVersionListJson } from '@platform/api-types';
import { CONTAINER_ID, PlatformError, requireField, unary } from '@platform/common';
import { notebooksV1 } from '@platform/contracts';
import { ContainerAccessService } from '../access/container-access.service';
import { CurrentPrincipal, type Principal } from '../auth/principal';
import { resourceContainer, type ResourceContainer } from '../access/resource-container';
import { NOTEBOOK_CLIENT } from './notebook-client';
import { notebookContainer, type NotebookRef } from './notebook-container';
import {
  CreateNotebookRequest,
  ListNotebooksRequest,
  PromoteNotebookRequest,
  RevertNotebookRequest,
  UpdateNotebookRequest,
} from './notebook.dto';
import { notebookAssetView, notebookResourceView, notebookVersionView } from './notebook-view';

/** The optional container of a route on one notebook: the seed names none, the notebook's own is used. */
const IN_CONTAINER = applyDecorators(
  ApiQuery({ name: 'project_id', required: false, description: 'The notebook’s project; by default the one it is in.' }),
  ApiQuery({ name: 'space_id', required: false, description: 'The notebook’s space; by default the one it is in.' }),
);

const INCLUDES = ['runtime'];

/** The media type of a Jupyter notebook file. */
const IPYNB = 'application/x-ipynb+json';

const json = (v: object | undefined): string => (v === undefined ? '' : JSON.stringify(v));
const bytes = (text: string | undefined): Buffer => Buffer.from(text ?? '', 'utf8');
const asset = (n: notebooksV1.Notebook | undefined) => notebookAssetView(n as notebooksV1.Notebook);
const version = (v: notebooksV1.NotebookVersion | undefined) => notebookVersionView(v as notebooksV1.NotebookVersion);

/** `include` of the list: a comma-separated subset of INCLUDES. */
function includesOf(include: string | undefined): Set<string> {
  const values = (include ?? '').split(',').filter((v) => v !== '');
  for (const v of values)
    if (!INCLUDES.includes(v)) throw PlatformError.invalid(`include must be a comma-separated list of ${INCLUDES.join(', ')}.`, 'include');
  return new Set(values);
}

/** At most one of the ways a request gives a notebook's content. */
function oneContentSource(body: { file_reference?: string; content?: string; source_guid?: string }, required: boolean): void {
  const given = (['file_reference', 'content', 'source_guid'] as const).filter((f) => body[f] !== undefined);
  if (given.length > 1) throw PlatformError.invalid(`Give only one of ${given.join(' and ')}.`, given[1]);
  if (required && given.length === 0)
    throw PlatformError.invalid(
      'Give the notebook: file_reference (a file in the project or space storage), content (the .ipynb) or source_guid (a notebook to copy).',
      'file_reference',
    );
}

/**
 * Notebooks (seed 001), served by the notebooks service: POST /v2/notebooks (from a file in the project's storage, the
 * `.ipynb` sent as `content`, or a copy), POST /v2/notebooks/list, PATCH (update), PUT (revert to a version) and DELETE
 * /v2/notebooks/{notebook_guid}, POST …/promote (copy to a space), POST|GET …/versions, GET|DELETE
 * …/versions/{version_guid}; and GET …/content (beyond the seed: the `.ipynb` itself, which the API otherwise only
 * takes). Reads need the viewer role on the notebook's project or space, changes the editor role;
 * a promote reads the project and needs the editor role on the target space.
 */
@ApiTags('Notebooks')
@Controller('v2/notebooks')
export class NotebooksController implements OnModuleInit {
  private notebooks!: notebooksV1.NotebookServiceClient;

  constructor(
    @Inject(NOTEBOOK_CLIENT) private readonly client: ClientGrpc,
    private readonly access: ContainerAccessService,
  ) {}

  onModuleInit(): void {
    this.notebooks = this.client.getService<notebooksV1.NotebookServiceClient>(notebooksV1.NOTEBOOK_SERVICE_NAME);
  }

  private container(ref: NotebookRef, p: Principal, role: 'viewer' | 'editor'): Promise<ResourceContainer> {
    return notebookContainer(this.access, this.notebooks, ref, p, role);
  }

  @Post()
  @HttpCode(201)
  @ApiOperation({
    summary:
      'Create a notebook (editor role) from a file in the project or space storage (file_reference), from the .ipynb sent as content, or as a copy of another notebook (source_guid)',
  })
  async create(@Body() body: CreateNotebookRequest, @CurrentPrincipal() p: Principal): Promise<NotebookAssetJson> {
    oneContentSource(body, true);
    if (body.project !== undefined && body.space !== undefined)
      throw PlatformError.invalid('Give either project or space, not both.', 'space');
    let c: ResourceContainer;
    if (body.source_guid !== undefined) {
      c = await this.container({ id: body.source_guid, param: 'source_guid', project_id: body.project, space_id: body.space }, p, 'editor');
    } else {
      if (body.runtime === undefined) throw PlatformError.invalid('runtime is required to create a notebook from scratch.', 'runtime');
      if (body.project !== undefined) {
        await this.access.require('project', body.project, p, 'editor', 'project');
        c = { projectId: body.project, spaceId: '' };
      } else if (body.space !== undefined) {
        await this.access.require('space', body.space, p, 'editor', 'space');
        c = { projectId: '', spaceId: body.space };
      } else throw PlatformError.invalid('Either project or space is required.', 'project');
    }
    const res = await unary(
      this.notebooks.createNotebook({
        ...c,
        name: body.name,
        description: body.description ?? '',
        content: bytes(body.content),
        fileReference: body.file_reference ?? '',
        sourceNotebookId: body.source_guid ?? '',
        runtimeJson: json(body.runtime),
        kernelJson: json(body.kernel),
        originatesFromJson: json(body.originates_from),
        tags: [],
        createdBy: p.userId,
      }),
    );
    return asset(res.notebook);
  }

  @Post('list')
  @HttpCode(200)
  @ApiQuery({ name: 'project_id', required: false, description: 'The project (or space_id) whose notebooks to read.' })
  @ApiQuery({ name: 'space_id', required: false })
  @ApiQuery({ name: 'include', required: false, enum: INCLUDES, description: 'Also return each notebook’s runtime.' })
  @ApiOperation({ summary: 'Get the notebooks of a project or space by their guids' })
  async list(
    @Query('project_id') projectId: string | undefined,
    @Query('space_id') spaceId: string | undefined,
    @Query('include') include: string | undefined,
    @Body() body: ListNotebooksRequest,
    @CurrentPrincipal() p: Principal,
  ): Promise<NotebookListJson> {
    const includes = includesOf(include);
    const c = await resourceContainer(this.access, { project_id: projectId, space_id: spaceId }, p, 'viewer');
    const res = await unary(this.notebooks.listNotebooks({ ...c, notebookIds: [...new Set(body.notebooks)] }));
    return { total_results: res.notebooks.length, resources: res.notebooks.map((n) => notebookResourceView(n, includes.has('runtime'))) };
  }

  @Patch(':notebook_guid')
  @IN_CONTAINER
  @ApiOperation({ summary: 'Update a notebook (editor role): runtime environment, Spark monitoring, kernel, name, description, content' })
  async update(
    @Param('notebook_guid') id: string,
    @Query('project_id') projectId: string | undefined,
    @Query('space_id') spaceId: string | undefined,
    @Body() body: UpdateNotebookRequest,
    @CurrentPrincipal() p: Principal,
  ): Promise<NotebookAssetJson> {
    oneContentSource(body, false);
    const fields = ['environment', 'spark_monitoring_enabled', 'kernel', 'name', 'description', 'file_reference', 'content'] as const;
    if (!fields.some((f) => body[f] !== undefined)) throw PlatformError.invalid(`Give at least one of ${fields.join(', ')}.`, 'body');
    const c = await this.container({ id, project_id: projectId, space_id: spaceId }, p, 'editor');
    const res = await unary(
      this.notebooks.updateNotebook({
        ...c,
        id,
        name: body.name,
        description: body.description,
        environment: body.environment,
        sparkMonitoringEnabled: body.spark_monitoring_enabled,
        kernelJson: json(body.kernel),
        content: bytes(body.content),
        fileReference: body.file_reference ?? '',
        updatedBy: p.userId,
      }),
    );
    return asset(res.notebook);
  }

  @Put(':notebook_guid')
  @IN_CONTAINER
  @ApiOperation({ summary: 'Revert a notebook to one of its versions (editor role); later versions are kept' })
  async revert(
    @Param('notebook_guid') id: string,
    @Query('project_id') projectId: string | undefined,
    @Query('space_id') spaceId: string | undefined,
    @Body() body: RevertNotebookRequest,
    @CurrentPrincipal() p: Principal,
  ): Promise<NotebookAssetJson> {
    const c = await this.container({ id, project_id: projectId, space_id: spaceId }, p, 'editor');
    const res = await unary(this.notebooks.revertNotebook({ ...c, id, versionId: body.source, updatedBy: p.userId }));
    return asset(res.notebook);
  }

  @Delete(':notebook_guid')
  @HttpCode(204)
  @IN_CONTAINER
  @ApiOperation({ summary: 'Delete a notebook with all its versions (editor role)' })
  async delete(
    @Param('notebook_guid') id: string,
    @Query('project_id') projectId: string | undefined,
    @Query('space_id') spaceId: string | undefined,
    @CurrentPrincipal() p: Principal,
  ): Promise<void> {
    const c = await this.container({ id, project_id: projectId, space_id: spaceId }, p, 'editor');
    await unary(this.notebooks.deleteNotebook({ ...c, id }));
  }

  @Post(':notebook_guid/promote')
  @HttpCode(200)
  @ApiQuery({ name: 'project_id', required: false, description: 'The notebook’s project; by default the one it is in.' })
  @ApiQuery({ name: 'version_guid', required: false, description: 'Promote this version instead of the current content.' })
  @ApiOperation({
    summary: 'Copy a notebook of a project (or one of its versions) into a space (viewer role on the project, editor on the space)',
  })
  async promote(
    @Param('notebook_guid') id: string,
    @Query('project_id') projectId: string | undefined,
    @Query('version_guid') versionId: string | undefined,
    @Body() body: PromoteNotebookRequest,
    @CurrentPrincipal() p: Principal,
  ): Promise<NotebookAssetJson> {
    if (versionId !== undefined) requireField(CONTAINER_ID, versionId, 'version_guid');
    const c = await this.container({ id, project_id: projectId }, p, 'viewer');
    if (!c.projectId) throw PlatformError.invalid('Only a notebook of a project can be promoted to a space.', 'notebook_guid');
    await this.access.require('space', body.space_id, p, 'editor', 'space_id');
    const res = await unary(
      this.notebooks.promoteNotebook({
        projectId: c.projectId,
        id,
        versionId: versionId ?? '',
        spaceId: body.space_id,
        name: body.name,
        description: body.description,
        tags: body.tags ?? [],
        createdBy: p.userId,
      }),
    );
    return asset(res.notebook);
  }

  @Get(':notebook_guid/content')
  @IN_CONTAINER
  @ApiQuery({ name: 'version_guid', required: false, description: 'The content of this version instead of the current one.' })
  @ApiProduces(IPYNB)
  @ApiOperation({ summary: 'Download the .ipynb of a notebook (its current content, or one version’s)' })
  async content(
    @Param('notebook_guid') id: string,
    @Query('project_id') projectId: string | undefined,
    @Query('space_id') spaceId: string | undefined,
    @Query('version_guid') versionId: string | undefined,
    @CurrentPrincipal() p: Principal,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Buffer> {
    if (versionId !== undefined) requireField(CONTAINER_ID, versionId, 'version_guid');
    const c = await this.container({ id, project_id: projectId, space_id: spaceId }, p, 'viewer');
    const res = await unary(this.notebooks.getNotebookContent({ ...c, id, versionId: versionId ?? '' }));
    reply.header('content-type', IPYNB);
    return Buffer.from(res.content);
  }

  @Post(':notebook_guid/versions')
  @HttpCode(200)
  @IN_CONTAINER
  @ApiOperation({ summary: 'Snapshot the notebook’s current content as a new immutable version (editor role)' })
  async createVersion(
    @Param('notebook_guid') id: string,
    @Query('project_id') projectId: string | undefined,
    @Query('space_id') spaceId: string | undefined,
    @CurrentPrincipal() p: Principal,
  ): Promise<NotebookVersionJson> {
    const c = await this.container({ id, project_id: projectId, space_id: spaceId }, p, 'editor');
    const res = await unary(this.notebooks.createNotebookVersion({ ...c, notebookId: id, createdBy: p.userId }));
    return version(res.version);
  }

  @Get(':notebook_guid/versions')
  @IN_CONTAINER
  @ApiOperation({ summary: 'List the versions of a notebook, newest first' })
  async listVersions(
    @Param('notebook_guid') id: string,
    @Query('project_id') projectId: string | undefined,
    @Query('space_id') spaceId: string | undefined,
    @CurrentPrincipal() p: Principal,
  ): Promise<NotebookVersionListJson> {
    const c = await this.container({ id, project_id: projectId, space_id: spaceId }, p, 'viewer');
    const res = await unary(this.notebooks.listNotebookVersions({ ...c, notebookId: id }));
    return { total_results: res.versions.length, resources: res.versions.map(notebookVersionView) };
  }

  @Get(':notebook_guid/versions/:version_guid')
  @IN_CONTAINER
  @ApiOperation({ summary: 'Get a version of a notebook' })
  async getVersion(
    @Param('notebook_guid') id: string,
    @Param('version_guid') versionId: string,
    @Query('project_id') projectId: string | undefined,
    @Query('space_id') spaceId: string | undefined,
    @CurrentPrincipal() p: Principal,
  ): Promise<NotebookVersionJson> {
    requireField(CONTAINER_ID, versionId, 'version_guid');
    const c = await this.container({ id, project_id: projectId, space_id: spaceId }, p, 'viewer');
    const res = await unary(this.notebooks.getNotebookVersion({ ...c, notebookId: id, versionId }));
    return version(res.version);
  }

  @Delete(':notebook_guid/versions/:version_guid')
  @HttpCode(204)
  @IN_CONTAINER
  @ApiOperation({ summary: 'Delete a version of a notebook (editor role)' })
  async deleteVersion(
    @Param('notebook_guid') id: string,
    @Param('version_guid') versionId: string,
    @Query('project_id') projectId: string | undefined,
    @Query('space_id') spaceId: string | undefined,
    @CurrentPrincipal() p: Principal,
  ): Promise<void> {
    requireField(CONTAINER_ID, versionId, 'version_guid');
    const c = await this.container({ id, project_id: projectId, space_id: spaceId }, p, 'editor');
    await unary(this.notebooks.deleteNotebookVersion({ ...c, notebookId: id, versionId }));
  }
}
