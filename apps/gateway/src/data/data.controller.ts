import { Controller, Get, Inject, Param, Query, type OnModuleInit } from '@nestjs/common';
import type { ClientGrpc } from '@nestjs/microservices';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { sdgV1 } from '@platform/contracts';
import { PlatformError, pageFrom, pageLinks, pageRequest, type PageRequest, unary } from '@platform/common';
import { CurrentPrincipal, type Principal } from '../auth/principal';
import { ContainerAccessService } from '../access/container-access.service';
import { cancellableProjectRoutes } from '../access/project-routes';
import { UsersService } from '../identity/users.service';
import { PUBLIC_URL } from '../http/public-url';
import { CreateDataRequest } from './data.dto';
import { dataView } from './data-view';

export const SDG_CLIENT = 'SDG_CLIENT';
/** Samples per page of GET …/data/{id}/samples (the SDG service applies the same bounds). */
const SAMPLES_PAGE = { defaultLimit: 20, maxLimit: 100 };

/**
 * InstructLab synthetic data generation jobs, under /v1/projects/{project_id}/data and under /v1/data
 * (project from ?project_id= or the caller's default project).
 */
@ApiTags('InstructLab data')
@Controller('v1')
export class DataController
  extends cancellableProjectRoutes({
    path: 'data',
    listKey: 'data',
    noun: 'data',
    body: CreateDataRequest,
    createStatus: 202,
    summaries: {
      create: 'Start synthetic data generation from a taxonomy',
      list: 'List the data generation jobs of a project',
      get: 'Get a data generation job',
      delete: 'Delete a data generation job and its data (canceling it first if unfinished)',
      cancel: 'Cancel a queued or running data generation job',
    },
  })
  implements OnModuleInit
{
  private sdg!: sdgV1.SdgServiceClient;

  constructor(
    @Inject(SDG_CLIENT) private readonly client: ClientGrpc,
    @Inject(PUBLIC_URL) publicUrl: string,
    access: ContainerAccessService,
    users: UsersService,
  ) {
    super(access, users, publicUrl);
  }

  onModuleInit(): void {
    this.sdg = this.client.getService<sdgV1.SdgServiceClient>(sdgV1.SDG_SERVICE_NAME);
  }

  @Get('projects/:project_id/data/:id/samples')
  @ApiQuery({ name: 'leaf', required: false, description: 'a leaf path (…/qna.yaml) of data_metrics.samples; absent: every leaf' })
  @ApiQuery({ name: 'limit', required: false, description: `1-${SAMPLES_PAGE.maxLimit}, default ${SAMPLES_PAGE.defaultLimit}` })
  @ApiQuery({ name: 'start', required: false, description: 'the token in next.start (or next.href) of the previous page' })
  @ApiOperation({ summary: 'Page through the samples a data generation job generated so far (each text cut at 4000 characters)' })
  async samples(
    @Param('project_id') projectId: string,
    @Param('id') id: string,
    @Query('leaf') leaf: string | undefined,
    @Query('limit') limit: string | undefined,
    @Query('start') start: string | undefined,
    @CurrentPrincipal() p: Principal,
  ) {
    await this.authorizeItem(projectId, id, p, 'viewer');
    const page = pageRequest({ limit, start }, SAMPLES_PAGE);
    // Empty would mean every leaf to the SDG service; the path's own rules are checked there.
    if (leaf !== undefined && (typeof leaf !== 'string' || leaf === '')) {
      throw PlatformError.invalid('leaf must be a leaf path of the job (…/qna.yaml), as data_metrics.samples names it.', 'leaf');
    }
    const res = await unary(this.sdg.listDataSamples({ projectId, id, leaf: leaf ?? '', ...page }));
    return {
      samples: res.samples.map((s) => ({
        leaf: s.leaf,
        index: Number(s.index),
        question: s.question,
        response: s.response,
        ...(s.context ? { context: s.context } : {}),
        truncated: s.truncated,
      })),
      limit: res.limit,
      ...pageLinks(
        `${this.publicUrl}/v1/projects/${projectId}/data/${id}/samples`,
        { leaf },
        { limit: res.limit, nextStart: res.nextStart },
      ),
    };
  }

  @Get('data/:id/samples')
  @ApiQuery({ name: 'project_id', required: false })
  @ApiQuery({ name: 'leaf', required: false })
  @ApiQuery({ name: 'limit', required: false })
  @ApiQuery({ name: 'start', required: false })
  @ApiOperation({ summary: 'Page through the samples of a data generation job (project from ?project_id= or the default project)' })
  async samplesDefault(
    @Query('project_id') projectId: string | undefined,
    @Param('id') id: string,
    @Query('leaf') leaf: string | undefined,
    @Query('limit') limit: string | undefined,
    @Query('start') start: string | undefined,
    @CurrentPrincipal() p: Principal,
  ) {
    return this.samples(await this.projectOf(projectId, p), id, leaf, limit, start, p);
  }

  protected async createIn(projectId: string, body: CreateDataRequest, p: Principal) {
    const res = await unary(
      this.sdg.createDataJob({
        projectId,
        name: body.name,
        taxonomyId: body.taxonomy_id,
        teacherModel: body.teacher_model ?? '',
        judgeModel: body.judge_model ?? '',
        createdBy: p.userId,
        numInstructions: body.num_instructions ?? 0,
      }),
    );
    return dataView(res.dataJob as sdgV1.DataJob, this.publicUrl);
  }

  protected async listIn(projectId: string, page: PageRequest) {
    const res = await unary(this.sdg.listDataJobs({ projectId, ...page }));
    return pageFrom(
      res,
      res.dataJobs.map((j) => dataView(j, this.publicUrl, false)),
    );
  }

  protected async getIn(projectId: string, id: string) {
    const res = await unary(this.sdg.getDataJob({ projectId, id }));
    return dataView(res.dataJob as sdgV1.DataJob, this.publicUrl);
  }

  protected async deleteIn(projectId: string, id: string): Promise<void> {
    await unary(this.sdg.deleteDataJob({ projectId, id }));
  }

  protected async cancelIn(projectId: string, id: string): Promise<void> {
    await unary(this.sdg.cancelDataJob({ projectId, id }));
  }
}
