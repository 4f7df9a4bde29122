import type { Metadata } from '@grpc/grpc-js';
import { Controller } from '@nestjs/common';
import { INSTRUCTLAB_PAGE, callSignal, pageInfo, pageRequest } from '@platform/common';
import { sdgV1 } from '@platform/contracts';
import type { DataJobEntity } from './jobs/data-job.entity';
import type { DataJobStatus } from './jobs/data-job-status';
import { DataJobsService } from './jobs/data-jobs.service';
import { SyntheticDataService } from './llama-stack/synthetic-data.service';
import { dataPrefix } from './worker/output-key';

const STATUS: Record<DataJobStatus, sdgV1.DataJobStatus> = {
  queued: sdgV1.DataJobStatus.DATA_JOB_STATUS_QUEUED,
  running: sdgV1.DataJobStatus.DATA_JOB_STATUS_RUNNING,
  completed: sdgV1.DataJobStatus.DATA_JOB_STATUS_COMPLETED,
  failed: sdgV1.DataJobStatus.DATA_JOB_STATUS_FAILED,
  canceled: sdgV1.DataJobStatus.DATA_JOB_STATUS_CANCELED,
};

export function toDataJobMessage(j: DataJobEntity): sdgV1.DataJob {
  const t = j.tokens;
  return {
    id: j.id,
    projectId: j.projectId,
    name: j.name,
    taxonomyId: j.taxonomyId,
    status: STATUS[j.status],
    state: j.state,
    createdAt: j.createdAt,
    completedAt: j.completedAt ?? undefined,
    dataMetrics: {
      samples: j.samples,
      tokens: t
        ? {
            dataTokensTotal: t.data_tokens_total,
            dataLeafNodes: t.data_leaf_nodes,
            trainingEstimated: t.training_estimated,
            trainingPhases: { phase1Knowledge: t.training_phases.phase_1_knowledge, phase2Skills: t.training_phases.phase_2_skills },
            dataLeafNodeCount: Object.values(t.data_leaf_nodes).filter((n) => n > 0).length,
          }
        : undefined,
    },
    failureReason: j.failureReason ?? '',
    progress: j.progress ? { ...j.progress, leaves: j.progress.leaves ?? [] } : undefined,
    teacherModel: j.teacherModel,
    judgeModel: j.judgeModel,
    createdBy: j.createdBy,
    outputPrefix: dataPrefix(j.id),
  };
}

@Controller()
@sdgV1.SdgServiceControllerMethods()
export class SdgGrpcController implements sdgV1.SdgServiceController {
  constructor(
    private readonly jobs: DataJobsService,
    private readonly synthetic: SyntheticDataService,
  ) {}

  generateSyntheticData(
    req: sdgV1.GenerateSyntheticDataRequest,
    _md?: Metadata,
    call?: unknown,
  ): Promise<sdgV1.GenerateSyntheticDataResponse> {
    // A caller that goes away (the gateway cancels when its client does) stops the teacher's and the judge's calls.
    return this.synthetic.generate(req, callSignal(call));
  }

  async createDataJob(req: sdgV1.CreateDataJobRequest): Promise<sdgV1.CreateDataJobResponse> {
    const row = await this.jobs.create({
      projectId: req.projectId,
      name: req.name,
      taxonomyId: req.taxonomyId,
      teacherModel: req.teacherModel,
      judgeModel: req.judgeModel,
      createdBy: req.createdBy,
      numInstructions: req.numInstructions || undefined,
      seed: req.seed,
    });
    return { dataJob: toDataJobMessage(row) };
  }

  async getDataJob(req: sdgV1.GetDataJobRequest): Promise<sdgV1.GetDataJobResponse> {
    return { dataJob: toDataJobMessage(await this.jobs.get(req.projectId, req.id)) };
  }

  async listDataJobs(req: sdgV1.ListDataJobsRequest): Promise<sdgV1.ListDataJobsResponse> {
    const page = await this.jobs.list(req.projectId, pageRequest(req, INSTRUCTLAB_PAGE));
    return { dataJobs: page.items.map(toDataJobMessage), ...pageInfo(page) };
  }

  async listDataSamples(req: sdgV1.ListDataSamplesRequest): Promise<sdgV1.ListDataSamplesResponse> {
    const page = await this.jobs.samples(req.projectId, req.id, { leaf: req.leaf, start: req.start, limit: req.limit });
    return { samples: page.samples, nextStart: page.nextStart, limit: page.limit };
  }

  async deleteDataJob(req: sdgV1.DeleteDataJobRequest): Promise<sdgV1.DeleteDataJobResponse> {
    await this.jobs.delete(req.projectId, req.id);
    return {};
  }

  async cancelDataJob(req: sdgV1.CancelDataJobRequest): Promise<sdgV1.CancelDataJobResponse> {
    return { dataJob: toDataJobMessage(await this.jobs.cancel(req.projectId, req.id)) };
  }
}
