import { Controller, Get, Inject, Param, type OnModuleInit } from '@nestjs/common';
import type { ClientGrpc } from '@nestjs/microservices';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { ModelLossJson } from '@platform/api-types';
import { trainingV1 } from '@platform/contracts';
import { pageFrom, type PageRequest, unary } from '@platform/common';
import { CurrentPrincipal, type Principal } from '../auth/principal';
import { ContainerAccessService } from '../access/container-access.service';
import { cancellableProjectRoutes } from '../access/project-routes';
import { UsersService } from '../identity/users.service';
import { PUBLIC_URL } from '../http/public-url';
import { toHyperparameters } from './hyperparameters.dto';
import { CreateModelRequest } from './model.dto';
import { modelView } from './model-view';

export const TRAINING_CLIENT = 'TRAINING_CLIENT';

/**
 * InstructLab multiphase training jobs, under /v1/projects/{project_id}/models and under /v1/models
 * (project from ?project_id= or the caller's default project).
 */
@ApiTags('InstructLab models')
@Controller('v1')
export class ModelsController
  extends cancellableProjectRoutes({
    path: 'models',
    listKey: 'models',
    noun: 'model',
    body: CreateModelRequest,
    createStatus: 202,
    summaries: {
      create: 'Train a model on a completed data generation run (knowledge, then skills)',
      list: 'List the model training jobs of a project',
      get: 'Get a model training job with its metrics',
      delete: 'Delete a model training job and its objects (stopping it first if unfinished)',
      cancel: 'Cancel a queued or running model training job',
    },
  })
  implements OnModuleInit
{
  private training!: trainingV1.TrainingServiceClient;

  constructor(
    @Inject(TRAINING_CLIENT) private readonly client: ClientGrpc,
    @Inject(PUBLIC_URL) publicUrl: string,
    access: ContainerAccessService,
    users: UsersService,
  ) {
    super(access, users, publicUrl);
  }

  onModuleInit(): void {
    this.training = this.client.getService<trainingV1.TrainingServiceClient>(trainingV1.TRAINING_SERVICE_NAME);
  }

  /** The loss chart after the fact: every step the run logs hold (thinned to 2000 points), in training order. */
  @Get('projects/:project_id/models/:id/loss')
  @ApiOperation({ summary: "A model training job's loss per training step, from its run logs (both phases, in order)" })
  async loss(@Param('project_id') projectId: string, @Param('id') id: string, @CurrentPrincipal() p: Principal): Promise<ModelLossJson> {
    await this.authorizeItem(projectId, id, p, 'viewer');
    const res = await unary(this.training.getModelJobLoss({ projectId, id }));
    return { points: res.points.map((s) => ({ phase: s.phase, epoch: s.epoch, step: s.step, loss: s.loss })), total_steps: res.totalSteps };
  }

  protected async createIn(projectId: string, body: CreateModelRequest, p: Principal) {
    const res = await unary(
      this.training.createModelJob(
        { projectId, name: body.name, dataId: body.data_id, createdBy: p.userId, baseModel: body.base_model ?? '', hyperparameters: toHyperparameters(body.hyperparameters) },
      ),
    );
    return modelView(res.modelJob as trainingV1.ModelJob, this.publicUrl);
  }

  protected async listIn(projectId: string, page: PageRequest) {
    const res = await unary(this.training.listModelJobs({ projectId, ...page }));
    return pageFrom(res, res.modelJobs.map((j) => modelView(j, this.publicUrl, false)));
  }

  protected async getIn(projectId: string, id: string) {
    const res = await unary(this.training.getModelJob({ projectId, id }));
    return modelView(res.modelJob as trainingV1.ModelJob, this.publicUrl);
  }

  protected async deleteIn(projectId: string, id: string): Promise<void> {
    await unary(this.training.deleteModelJob({ projectId, id }));
  }

  protected async cancelIn(projectId: string, id: string): Promise<void> {
    await unary(this.training.cancelModelJob({ projectId, id }));
  }
}
