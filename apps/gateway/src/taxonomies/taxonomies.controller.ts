import { Controller, Get, Inject, Param, Query, type OnModuleInit } from '@nestjs/common';
import type { ClientGrpc } from '@nestjs/microservices';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { TaxonomyLeavesJson } from '@platform/api-types';
import { taxonomyV1 } from '@platform/contracts';
import { pageFrom, type PageRequest, unary } from '@platform/common';
import { CurrentPrincipal, type Principal } from '../auth/principal';
import { ContainerAccessService } from '../access/container-access.service';
import { projectRoutes } from '../access/project-routes';
import { UsersService } from '../identity/users.service';
import { PUBLIC_URL } from '../http/public-url';
import { CreateTaxonomyRequest } from './taxonomy.dto';
import { taxonomyLeafView, taxonomyView } from './taxonomy-view';

export const TAXONOMY_CLIENT = 'TAXONOMY_CLIENT';

/**
 * InstructLab taxonomies, under /v1/projects/{project_id}/taxonomies and under /v1/taxonomies
 * (project from ?project_id= or the caller's default project).
 */
@ApiTags('InstructLab taxonomies')
@Controller('v1')
export class TaxonomiesController
  extends projectRoutes({
    path: 'taxonomies',
    listKey: 'taxonomies',
    noun: 'taxonomy',
    body: CreateTaxonomyRequest,
    createStatus: 201,
    summaries: {
      create: 'Create a taxonomy from a tarball in the object store',
      list: 'List the taxonomies of a project',
      get: 'Get a taxonomy',
      delete: 'Delete a taxonomy',
    },
  })
  implements OnModuleInit
{
  private taxonomies!: taxonomyV1.TaxonomyServiceClient;

  constructor(
    @Inject(TAXONOMY_CLIENT) private readonly client: ClientGrpc,
    @Inject(PUBLIC_URL) publicUrl: string,
    access: ContainerAccessService,
    users: UsersService,
  ) {
    super(access, users, publicUrl);
  }

  onModuleInit(): void {
    this.taxonomies = this.client.getService<taxonomyV1.TaxonomyServiceClient>(taxonomyV1.TAXONOMY_SERVICE_NAME);
  }

  protected async createIn(projectId: string, body: CreateTaxonomyRequest, p: Principal) {
    const res = await unary(
      this.taxonomies.createTaxonomy({
        projectId,
        name: body.name,
        taxonomyPathCos: body.taxonomy_path_cos ?? '',
        cosBucketInformation: body.cos_bucket_information,
        secretsManagerConfig: body.secrets_manager_config && {
          url: body.secrets_manager_config.url,
          gitId: body.secrets_manager_config.git_id,
        },
        createdBy: p.userId,
      }),
    );
    return taxonomyView(res.taxonomy as taxonomyV1.Taxonomy, this.publicUrl);
  }

  @Get('projects/:project_id/taxonomies/:id/leaves')
  @ApiOperation({ summary: 'List the leaves (qna.yaml files) of a taxonomy, with their kind and text' })
  async leaves(
    @Param('project_id') projectId: string,
    @Param('id') id: string,
    @CurrentPrincipal() p: Principal,
  ): Promise<TaxonomyLeavesJson> {
    await this.authorizeItem(projectId, id, p, 'viewer');
    const res = await unary(this.taxonomies.getTaxonomyContent({ projectId, id }));
    return { leaves: res.leaves.map(taxonomyLeafView) };
  }

  @Get('taxonomies/:id/leaves')
  @ApiQuery({ name: 'project_id', required: false })
  @ApiOperation({ summary: "List the leaves of a taxonomy (project: ?project_id= or the caller's default)" })
  async leavesDefault(
    @Query('project_id') projectId: string | undefined,
    @Param('id') id: string,
    @CurrentPrincipal() p: Principal,
  ): Promise<TaxonomyLeavesJson> {
    return this.leaves(await this.projectOf(projectId, p), id, p);
  }

  protected async listIn(projectId: string, page: PageRequest) {
    const res = await unary(this.taxonomies.listTaxonomies({ projectId, ...page }));
    return pageFrom(
      res,
      res.taxonomies.map((t) => taxonomyView(t, this.publicUrl, false)),
    );
  }

  protected async getIn(projectId: string, id: string) {
    const res = await unary(this.taxonomies.getTaxonomy({ projectId, id }));
    return taxonomyView(res.taxonomy as taxonomyV1.Taxonomy, this.publicUrl);
  }

  protected async deleteIn(projectId: string, id: string): Promise<void> {
    await unary(this.taxonomies.deleteTaxonomy({ projectId, id }));
  }
}
