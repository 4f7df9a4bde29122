import { Controller, Inject, type OnModuleInit } from '@nestjs/common';
import type { ClientGrpc } from '@nestjs/microservices';
import { ApiTags } from '@nestjs/swagger';
import { sdgV1 } from '@platform/contracts';
import { pageFrom, type PageRequest, unary } from '@platform/common';
import type { Principal } from '../auth/principal';
import { ContainerAccessService } from '../access/container-access.service';
import { cancellableProjectRoutes } from '../access/project-routes';
import { UsersService } from '../identity/users.service';
import { PUBLIC_URL } from '../http/public-url';
import { CreateDataRequest } from './data.dto';
import { dataView } from './data-view';

export const SDG_CLIENT = 'SDG_CLIENT';

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
