import { status as GrpcStatus } from '@grpc/grpc-js';
import { PlatformError, unary } from '@platform/common';
import type { trainingV1 } from '@platform/contracts';
import { checkColumns, type DatasetDto } from './datasets.dto';
import { datasetField, renameTargets } from './post-training-errors';

const codeOf = (err: unknown) => (err as { code?: number }).code;

/** The datasets a post-training job trains and validates on, and those this request created (removed if it fails). */
export interface JobDatasets {
  datasetId: string;
  validationDatasetId: string;
  created: string[];
}

/**
 * The draft embeds a whole Dataset in a post-training request. Two ways to give one:
 * - `metadata.dataset_id` names a dataset made with `/datasets/create` in the project: its stored rows are used (the
 *   embedded columns and content_url are not read again);
 * - otherwise the embedded dataset is created for the job, with the id `<job_uuid>-dataset` (`<job_uuid>-validation`
 *   for validation_dataset; an identical validation dataset reuses the training one). A dataset of that id left by an
 *   earlier request that failed is reused when it has the same content_url and columns, else the request is a 409.
 */
export class PostTrainingDatasets {
  constructor(private readonly training: trainingV1.TrainingServiceClient) {}

  async resolve(projectId: string, jobUuid: string, createdBy: string, dataset: DatasetDto, validation?: DatasetDto): Promise<JobDatasets> {
    const created: string[] = [];
    try {
      const datasetId = await this.one(projectId, `${jobUuid}-dataset`, createdBy, dataset, 'dataset', created);
      let validationDatasetId = '';
      if (validation)
        validationDatasetId =
          JSON.stringify(validation) === JSON.stringify(dataset)
            ? datasetId
            : await this.one(projectId, `${jobUuid}-validation`, createdBy, validation, 'validation_dataset', created);
      return { datasetId, validationDatasetId, created };
    } catch (err) {
      await this.remove(projectId, created);
      throw err;
    }
  }

  /** Deletes the datasets a failed request created; a failure to delete is not the caller's error. */
  async remove(projectId: string, ids: string[]): Promise<void> {
    for (const id of ids) await unary(this.training.deleteDataset({ projectId, id })).catch(() => undefined);
  }

  private async one(
    projectId: string,
    derivedId: string,
    createdBy: string,
    d: DatasetDto,
    field: string,
    created: string[],
  ): Promise<string> {
    const named = d.metadata?.dataset_id;
    if (named !== undefined) {
      if (typeof named !== 'string' || named === '')
        throw PlatformError.invalid(`${field}.metadata.dataset_id must be a dataset id.`, `${field}.metadata.dataset_id`);
      await this.get(projectId, named).catch((err: unknown) => {
        throw codeOf(err) === GrpcStatus.NOT_FOUND
          ? PlatformError.invalid(
              `${field}.metadata.dataset_id: dataset ${named} was not found in project ${projectId}.`,
              `${field}.metadata.dataset_id`,
            )
          : err;
      });
      return named;
    }
    const columns = checkColumns(d.columns, `${field}.columns`);
    const req: trainingV1.CreateDatasetRequest = {
      projectId,
      id: derivedId,
      columns,
      contentUrl: d.content_url,
      metadataJson: JSON.stringify(d.metadata ?? {}),
      createdBy,
    };
    try {
      await unary(this.training.createDataset(req));
      created.push(derivedId);
      return derivedId;
    } catch (err) {
      if (codeOf(err) !== GrpcStatus.ALREADY_EXISTS) throw renameTargets(err, (f) => datasetField(f, field));
    }
    const existing = await this.get(projectId, derivedId);
    const same =
      existing.contentUrl === d.content_url &&
      JSON.stringify(Object.entries(existing.columns).sort()) === JSON.stringify(Object.entries(columns).sort());
    if (!same)
      throw PlatformError.conflict(
        `Dataset ${derivedId} already exists with other rows (an earlier request with this job_uuid); choose another job_uuid.`,
        field,
      );
    return derivedId;
  }

  private async get(projectId: string, id: string): Promise<trainingV1.Dataset> {
    const { dataset } = await unary(this.training.getDataset({ projectId, id }));
    if (!dataset) throw PlatformError.notFound(`Dataset ${id} was not found.`, 'dataset_not_found');
    return dataset;
  }
}
