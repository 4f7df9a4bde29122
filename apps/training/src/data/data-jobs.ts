import { status as GrpcStatus } from '@grpc/grpc-js';
import type { ClientGrpc } from '@nestjs/microservices';
import { unary } from '@platform/common';
import { dataJobStatusName, sdgV1 } from '@platform/contracts';

/** What training needs to know about an SDG run. */
export interface DataJobInfo {
  id: string;
  projectId: string;
  taxonomyId: string;
  completed: boolean;
  status: string;
  /** The SDG's estimate of the tokens training will see (`data_metrics.tokens.training_estimated`). */
  trainingEstimated: number;
}

export interface DataJobs {
  /** The run in that project, or null when the project has no such run. */
  get(projectId: string, dataId: string): Promise<DataJobInfo | null>;
}

/** Asks the SDG service (`sdgV1.GetDataJob`); it answers NOT_FOUND for a run of another project. */
export class GrpcDataJobs implements DataJobs {
  private readonly sdg: sdgV1.SdgServiceClient;

  constructor(client: ClientGrpc) {
    this.sdg = client.getService<sdgV1.SdgServiceClient>(sdgV1.SDG_SERVICE_NAME);
  }

  async get(projectId: string, dataId: string): Promise<DataJobInfo | null> {
    try {
      const { dataJob } = await unary(this.sdg.getDataJob({ projectId, id: dataId }));
      if (!dataJob) return null;
      return {
        id: dataJob.id,
        projectId: dataJob.projectId,
        taxonomyId: dataJob.taxonomyId,
        completed: dataJob.status === sdgV1.DataJobStatus.DATA_JOB_STATUS_COMPLETED,
        status: dataJobStatusName[dataJob.status],
        trainingEstimated: dataJob.dataMetrics?.tokens?.trainingEstimated ?? 0,
      };
    } catch (err) {
      const code = (err as { code?: number }).code;
      if (code === GrpcStatus.NOT_FOUND) return null;
      throw err;
    }
  }
}
