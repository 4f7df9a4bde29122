import { Controller } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import { INSTRUCTLAB_PAGE, WATSONX_PAGE, pageInfo, pageRequest } from '@platform/common';
import { trainingV1 } from '@platform/contracts';
import { toModelJobMessage } from './model-job.message';
import { ModelJobsService } from './model-jobs.service';
import { TuningsService } from './tunings/tunings.service';

/** Datasets have a controller of their own (datasets/). */
type JobMethods = Omit<trainingV1.TrainingServiceController, 'createDataset' | 'getDataset' | 'deleteDataset'>;

/**
 * Marks the class's own methods as TrainingService RPCs. The generated TrainingServiceControllerMethods() marks every
 * method of the service and throws at load for one the class lacks, and the datasets' methods live elsewhere.
 */
function jobGrpcMethods(constructor: { prototype: object }): void {
  for (const name of Object.getOwnPropertyNames(constructor.prototype)) {
    const descriptor = Object.getOwnPropertyDescriptor(constructor.prototype, name);
    if (name !== 'constructor' && typeof descriptor?.value === 'function')
      GrpcMethod(trainingV1.TRAINING_SERVICE_NAME, name)(constructor.prototype, name, descriptor);
  }
}

@Controller()
@jobGrpcMethods
export class TrainingGrpcController implements JobMethods {
  constructor(
    private readonly jobs: ModelJobsService,
    private readonly tunings: TuningsService,
  ) {}

  async createModelJob(req: trainingV1.CreateModelJobRequest): Promise<trainingV1.CreateModelJobResponse> {
    const row = await this.jobs.create({
      projectId: req.projectId,
      name: req.name,
      dataId: req.dataId,
      createdBy: req.createdBy,
      baseModel: req.baseModel,
      hyperparameters: req.hyperparameters,
    });
    return { modelJob: toModelJobMessage(row) };
  }

  async getModelJob(req: trainingV1.GetModelJobRequest): Promise<trainingV1.GetModelJobResponse> {
    return { modelJob: toModelJobMessage(await this.jobs.get(req.projectId, req.id)) };
  }

  async listModelJobs(req: trainingV1.ListModelJobsRequest): Promise<trainingV1.ListModelJobsResponse> {
    const page = await this.jobs.list(req.projectId, pageRequest(req, INSTRUCTLAB_PAGE));
    return { modelJobs: page.items.map(toModelJobMessage), ...pageInfo(page) };
  }

  async deleteModelJob(req: trainingV1.DeleteModelJobRequest): Promise<trainingV1.DeleteModelJobResponse> {
    await this.jobs.delete(req.projectId, req.id);
    return {};
  }

  async getModelJobLoss(req: trainingV1.GetModelJobLossRequest): Promise<trainingV1.GetModelJobLossResponse> {
    return this.jobs.loss(req.projectId, req.id);
  }

  async cancelModelJob(req: trainingV1.CancelModelJobRequest): Promise<trainingV1.CancelModelJobResponse> {
    return { modelJob: toModelJobMessage(await this.jobs.cancel(req.projectId, req.id)) };
  }

  async createFineTuning(req: trainingV1.CreateFineTuningRequest): Promise<trainingV1.CreateFineTuningResponse> {
    const row = await this.jobs.create({
      projectId: req.projectId,
      name: req.name,
      dataId: req.dataId,
      createdBy: req.createdBy,
      baseModel: '',
      hyperparameters: req.hyperparameters,
      description: req.description,
      tags: req.tags,
    });
    return { modelJob: toModelJobMessage(row) };
  }

  async listFineTunings(req: trainingV1.ListFineTuningsRequest): Promise<trainingV1.ListFineTuningsResponse> {
    const page = await this.jobs.list(req.projectId, pageRequest(req, WATSONX_PAGE), { state: req.state, tag: req.tagValue });
    return { modelJobs: page.items.map(toModelJobMessage), ...pageInfo(page) };
  }

  async getFineTuning(req: trainingV1.GetFineTuningRequest): Promise<trainingV1.GetFineTuningResponse> {
    return { modelJob: toModelJobMessage(await this.jobs.get(req.projectId, req.id)) };
  }

  /** watsonx semantics: a plain DELETE cancels and keeps the job; `hard_delete` removes it and its objects. */
  async deleteFineTuning(req: trainingV1.DeleteFineTuningRequest): Promise<trainingV1.DeleteFineTuningResponse> {
    if (req.hardDelete) {
      await this.jobs.delete(req.projectId, req.id);
      return {};
    }
    const row = await this.jobs.get(req.projectId, req.id);
    if (row.status === 'queued' || row.status === 'running') await this.jobs.cancel(req.projectId, req.id);
    return {};
  }

  async cancelFineTuning(req: trainingV1.CancelFineTuningRequest): Promise<trainingV1.CancelFineTuningResponse> {
    return { modelJob: toModelJobMessage(await this.jobs.cancel(req.projectId, req.id)) };
  }

  async createTuning(req: trainingV1.CreateTuningRequest): Promise<trainingV1.CreateTuningResponse> {
    return { modelJob: toModelJobMessage(await this.tunings.create(req)) };
  }

  async getTuning(req: trainingV1.GetTuningRequest): Promise<trainingV1.GetTuningResponse> {
    return { modelJob: toModelJobMessage(await this.tunings.get(req)) };
  }

  async listTunings(req: trainingV1.ListTuningsRequest): Promise<trainingV1.ListTuningsResponse> {
    const page = await this.tunings.list(req, pageRequest(req, WATSONX_PAGE));
    return { modelJobs: page.items.map(toModelJobMessage), ...pageInfo(page) };
  }

  async deleteTuning(req: trainingV1.DeleteTuningRequest): Promise<trainingV1.DeleteTuningResponse> {
    await this.tunings.delete(req);
    return {};
  }

  async getTuningLogs(req: trainingV1.GetTuningLogsRequest): Promise<trainingV1.GetTuningLogsResponse> {
    return { lines: await this.tunings.logs(req) };
  }
}
