import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Query, type OnModuleInit } from '@nestjs/common';
import type { ClientGrpc } from '@nestjs/microservices';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { PlatformError, isInstructlabId } from '@platform/common';
import { taxonomyV1 } from '@platform/contracts';
import { CurrentPrincipal, type Principal } from '../auth/principal';
import { ContainerAccessService } from '../access/container-access.service';
import { defaultProjectOf } from '../access/request-project';
import { UsersService } from '../identity/users.service';
import type { MemberRole } from '../identity/membership.entity';
import { traceMetadata, unary } from '../http/grpc-call';
import { PUBLIC_URL } from '../http/public-url';
import { CreateTaxonomyRequest } from './taxonomy.dto';
import { taxonomyView } from './taxonomy-view';

export const TAXONOMY_CLIENT = 'TAXONOMY_CLIENT';

/**
 * InstructLab taxonomies, under /v1/projects/{project_id}/taxonomies and under /v1/taxonomies
 * (project from ?project_id= or the caller's default project).
 */
@ApiTags('InstructLab taxonomies')
@Controller('v1')
export class TaxonomiesController implements OnModuleInit {
  private taxonomies!: taxonomyV1.TaxonomyServiceClient;

  constructor(
    @Inject(TAXONOMY_CLIENT) private readonly client: ClientGrpc,
    @Inject(PUBLIC_URL) private readonly publicUrl: string,
    private readonly access: ContainerAccessService,
    private readonly users: UsersService,
  ) {}

  onModuleInit(): void {
    this.taxonomies = this.client.getService<taxonomyV1.TaxonomyServiceClient>(taxonomyV1.TAXONOMY_SERVICE_NAME);
  }

  @Post('projects/:project_id/taxonomies')
  @HttpCode(201)
  @ApiOperation({ summary: 'Create a taxonomy from a tarball in the object store' })
  create(@Param('project_id') projectId: string, @Body() body: CreateTaxonomyRequest, @CurrentPrincipal() p: Principal) {
    return this.doCreate(projectId, body, p);
  }

  @Get('projects/:project_id/taxonomies')
  @ApiOperation({ summary: 'List the taxonomies of a project' })
  list(@Param('project_id') projectId: string, @CurrentPrincipal() p: Principal) {
    return this.doList(projectId, p);
  }

  @Get('projects/:project_id/taxonomies/:id')
  @ApiOperation({ summary: 'Get a taxonomy' })
  get(@Param('project_id') projectId: string, @Param('id') id: string, @CurrentPrincipal() p: Principal) {
    return this.doGet(projectId, id, p);
  }

  @Delete('projects/:project_id/taxonomies/:id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a taxonomy' })
  delete(@Param('project_id') projectId: string, @Param('id') id: string, @CurrentPrincipal() p: Principal) {
    return this.doDelete(projectId, id, p);
  }

  @Post('taxonomies')
  @HttpCode(201)
  @ApiQuery({ name: 'project_id', required: false })
  @ApiOperation({ summary: 'Create a taxonomy in ?project_id= or the default project' })
  async createDefault(@Query('project_id') projectId: string | undefined, @Body() body: CreateTaxonomyRequest, @CurrentPrincipal() p: Principal) {
    return this.doCreate(await this.projectOf(projectId, p), body, p);
  }

  @Get('taxonomies')
  @ApiQuery({ name: 'project_id', required: false })
  @ApiOperation({ summary: 'List the taxonomies of ?project_id= or the default project' })
  async listDefault(@Query('project_id') projectId: string | undefined, @CurrentPrincipal() p: Principal) {
    return this.doList(await this.projectOf(projectId, p), p);
  }

  @Get('taxonomies/:id')
  @ApiQuery({ name: 'project_id', required: false })
  @ApiOperation({ summary: 'Get a taxonomy of ?project_id= or the default project' })
  async getDefault(@Query('project_id') projectId: string | undefined, @Param('id') id: string, @CurrentPrincipal() p: Principal) {
    return this.doGet(await this.projectOf(projectId, p), id, p);
  }

  @Delete('taxonomies/:id')
  @HttpCode(204)
  @ApiQuery({ name: 'project_id', required: false })
  @ApiOperation({ summary: 'Delete a taxonomy of ?project_id= or the default project' })
  async deleteDefault(@Query('project_id') projectId: string | undefined, @Param('id') id: string, @CurrentPrincipal() p: Principal) {
    return this.doDelete(await this.projectOf(projectId, p), id, p);
  }

  private async projectOf(projectId: string | undefined, p: Principal): Promise<string> {
    if (projectId !== undefined) return projectId;
    return defaultProjectOf(this.users, p, { message: 'project_id is required: you have no default project yet.', target: { type: 'field', name: 'project_id' } });
  }

  private async authorize(projectId: string, p: Principal, role: MemberRole): Promise<void> {
    await this.access.require('project', projectId, p, role);
  }

  private checkId(id: string): void {
    if (!isInstructlabId(id)) throw PlatformError.invalid('The taxonomy id must be 36 characters of a-z, 0-9 and "-".', 'id');
  }

  private async doCreate(projectId: string, body: CreateTaxonomyRequest, p: Principal) {
    await this.authorize(projectId, p, 'editor');
    const res = await unary(
      this.taxonomies.createTaxonomy(
        {
          projectId,
          name: body.name,
          taxonomyPathCos: body.taxonomy_path_cos ?? '',
          cosBucketInformation: body.cos_bucket_information,
          secretsManagerConfig: body.secrets_manager_config && { url: body.secrets_manager_config.url, gitId: body.secrets_manager_config.git_id },
          createdBy: p.userId,
        },
        traceMetadata(),
      ),
    );
    return taxonomyView(res.taxonomy as taxonomyV1.Taxonomy, this.publicUrl);
  }

  private async doList(projectId: string, p: Principal) {
    await this.authorize(projectId, p, 'viewer');
    const res = await unary(this.taxonomies.listTaxonomies({ projectId }, traceMetadata()));
    return { taxonomies: res.taxonomies.map((t) => taxonomyView(t, this.publicUrl, false)) };
  }

  private async doGet(projectId: string, id: string, p: Principal) {
    await this.authorize(projectId, p, 'viewer');
    this.checkId(id);
    const res = await unary(this.taxonomies.getTaxonomy({ projectId, id }, traceMetadata()));
    return taxonomyView(res.taxonomy as taxonomyV1.Taxonomy, this.publicUrl);
  }

  private async doDelete(projectId: string, id: string, p: Principal): Promise<void> {
    await this.authorize(projectId, p, 'editor');
    this.checkId(id);
    await unary(this.taxonomies.deleteTaxonomy({ projectId, id }, traceMetadata()));
  }
}
