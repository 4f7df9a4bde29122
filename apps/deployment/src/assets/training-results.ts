import { status as GrpcStatus } from '@grpc/grpc-js';
import type { ClientGrpc } from '@nestjs/microservices';
import { PlatformError, isIssuedId, unary } from '@platform/common';
import { modelJobStatusName, trainingV1 } from '@platform/contracts';
import { describeContainer, type Container } from './container';
import type { ModelAssetType } from './model-asset.entity';

/** A training's result a model asset can name: its weights' directory and the model it was trained from. */
export interface TrainedModel {
  trainingId: string;
  /** The directory of the published model, ending with "/". */
  prefix: string;
  baseModelId: string;
}

/**
 * The trainings whose results can become model assets: the training service's jobs of every kind (InstructLab
 * `/v1/models` and ilab fine tunings, other fine tunings, `/ml/v4/trainings` prompt tunings, Llama Stack post-training).
 */
export interface TrainingResults {
  /**
   * The usable training `id` of the container for an asset of `type`: 404 when the container has no training of the
   * kinds that type takes, 400 when its result is not published yet.
   */
  usable(container: Container, id: string, type: ModelAssetType): Promise<TrainedModel>;
}

const INSTRUCTLAB = 'instructlab';

/** A prompt-tune asset serves a prompt tuning's soft prompt; every other type serves a tuned model's weights. */
export function trainingKindsFor(type: ModelAssetType): string[] {
  return type === 'prompt_tune_1.0' ? ['prompt_tuning'] : [INSTRUCTLAB, 'fine_tuning', 'post_training'];
}

const notFound = (id: string, container: Container) =>
  PlatformError.notFound(`Training ${id} was not found in ${describeContainer(container)}.`, 'training_not_found');

const asDirectory = (prefix: string) => (prefix.endsWith('/') ? prefix : `${prefix}/`);

/**
 * What a model asset takes from a training job. A job is usable once completed, and a tuning already while it is
 * `storing` with its model published (`tuning.result_prefix`): that is when its own auto_update_model creates the
 * asset, before the job completes. Anything else is refused naming training_id. An InstructLab job's model is
 * `<output_prefix>model/`; a tuning's is its result_prefix.
 */
export function trainedModelOf(job: trainingV1.ModelJob): TrainedModel {
  const isTuning = (job.kind || INSTRUCTLAB) !== INSTRUCTLAB;
  const resultPrefix = job.tuning?.resultPrefix ?? '';
  const completed = job.status === trainingV1.ModelJobStatus.MODEL_JOB_STATUS_COMPLETED;
  const storing = isTuning && job.state === 'storing' && resultPrefix !== '';
  if (!completed && !storing) {
    const word = isTuning && job.state ? job.state : (modelJobStatusName[job.status] ?? 'in an unknown state');
    throw PlatformError.invalid(`training ${job.id} is not completed (it is ${word}); a model asset needs its result.`, 'training_id');
  }
  if (isTuning && resultPrefix === '')
    throw PlatformError.invalid(`training ${job.id} is completed but published no model.`, 'training_id');
  const prefix = isTuning ? asDirectory(resultPrefix) : `${asDirectory(job.outputPrefix || `trained_models/${job.id}/`)}model/`;
  return { trainingId: job.id, prefix, baseModelId: job.baseModel };
}

/** Asks the training service (`GetTuning` with the kinds the asset type takes), which answers NOT_FOUND for any other job. */
export class GrpcTrainingResults implements TrainingResults {
  private readonly training: trainingV1.TrainingServiceClient;

  constructor(client: ClientGrpc) {
    this.training = client.getService<trainingV1.TrainingServiceClient>(trainingV1.TRAINING_SERVICE_NAME);
  }

  async usable(container: Container, id: string, type: ModelAssetType): Promise<TrainedModel> {
    // An id the platform cannot have issued names nothing.
    if (!isIssuedId(id)) throw notFound(id, container);
    let job: trainingV1.ModelJob | undefined;
    try {
      const req = { projectId: container.projectId ?? '', spaceId: container.spaceId ?? '', id, kinds: trainingKindsFor(type) };
      job = (await unary(this.training.getTuning(req))).modelJob;
    } catch (err) {
      if ((err as { code?: number }).code === GrpcStatus.NOT_FOUND) throw notFound(id, container);
      throw err;
    }
    if (!job) throw notFound(id, container);
    return trainedModelOf(job);
  }
}
