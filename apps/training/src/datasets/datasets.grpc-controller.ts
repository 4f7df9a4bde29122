import { Controller } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import { trainingV1 } from '@platform/contracts';
import { toDatasetMessage } from './dataset.message';
import { DatasetsService } from './datasets.service';

const SERVICE = trainingV1.TRAINING_SERVICE_NAME;

/** The dataset methods this controller serves; the jobs' methods are the other controllers'. */
type DatasetMethods = Pick<trainingV1.TrainingServiceController, 'createDataset' | 'getDataset' | 'deleteDataset'>;

/** `training.v1.TrainingService`, its Llama Stack datasets part: what the gateway's `/datasets/create|get|delete` call. */
@Controller()
export class DatasetsGrpcController implements DatasetMethods {
  constructor(private readonly datasets: DatasetsService) {}

  @GrpcMethod(SERVICE, 'createDataset')
  async createDataset(req: trainingV1.CreateDatasetRequest): Promise<trainingV1.CreateDatasetResponse> {
    return { dataset: toDatasetMessage(await this.datasets.create(req)) };
  }

  @GrpcMethod(SERVICE, 'getDataset')
  async getDataset(req: trainingV1.GetDatasetRequest): Promise<trainingV1.GetDatasetResponse> {
    return { dataset: toDatasetMessage(await this.datasets.get(req.projectId, req.id)) };
  }

  @GrpcMethod(SERVICE, 'deleteDataset')
  async deleteDataset(req: trainingV1.DeleteDatasetRequest): Promise<trainingV1.DeleteDatasetResponse> {
    await this.datasets.delete(req.projectId, req.id);
    return {};
  }
}
