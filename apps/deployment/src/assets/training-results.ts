import { status as GrpcStatus } from '@grpc/grpc-js';
import type { ClientGrpc } from '@nestjs/microservices';
import { PlatformError, isIssuedId, unary } from '@platform/common';
import { modelJobStatusName, trainingV1 } from '@platform/contracts';
import { describeContainer, type Container } from './container';

/** A training's result a model asset can name: its weights' directory and the model it was trained from. */
export interface TrainedModel {
  trainingId: string;
  /** `trained_models/<id>/model/`: the checkpoint the training published. */
  prefix: string;
  baseModelId: string;
}

/** The trainings whose results can become model assets: the training service's model jobs (`/v1/models`, ilab fine tunings). */
export interface TrainingResults {
  /** The completed training `id` of the container; 404 when it has none, 400 when it is not completed. */
  completed(container: Container, id: string): Promise<TrainedModel>;
}

const notFound = (id: string, container: Container) =>
  PlatformError.notFound(`Training ${id} was not found in ${describeContainer(container)}.`, 'training_not_found');

/** What a model asset takes from a model job; a job that is not completed is refused naming training_id. */
export function trainedModelOf(job: trainingV1.ModelJob): TrainedModel {
  if (job.status !== trainingV1.ModelJobStatus.MODEL_JOB_STATUS_COMPLETED)
    throw PlatformError.invalid(
      `training ${job.id} is not completed (it is ${modelJobStatusName[job.status] ?? 'in an unknown state'}); a model asset needs its result.`,
      'training_id',
    );
  const output = job.outputPrefix || `trained_models/${job.id}/`;
  return { trainingId: job.id, prefix: `${output.endsWith('/') ? output : `${output}/`}model/`, baseModelId: job.baseModel };
}

/** Asks the training service (`GetModelJob`), which answers NOT_FOUND for a job of another project. */
export class GrpcTrainingResults implements TrainingResults {
  private readonly training: trainingV1.TrainingServiceClient;

  constructor(client: ClientGrpc) {
    this.training = client.getService<trainingV1.TrainingServiceClient>(trainingV1.TRAINING_SERVICE_NAME);
  }

  async completed(container: Container, id: string): Promise<TrainedModel> {
    // Trainings belong to projects; an id the platform cannot have issued names nothing.
    if (!container.projectId || !isIssuedId(id)) throw notFound(id, container);
    let job: trainingV1.ModelJob | undefined;
    try {
      job = (await unary(this.training.getModelJob({ projectId: container.projectId, id }))).modelJob;
    } catch (err) {
      if ((err as { code?: number }).code === GrpcStatus.NOT_FOUND) throw notFound(id, container);
      throw err;
    }
    if (!job) throw notFound(id, container);
    return trainedModelOf(job);
  }
}
