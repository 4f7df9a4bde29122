import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  INSTRUCTLAB_ID,
  INSTRUCTLAB_NAME,
  NEWEST_FIRST,
  PlatformError,
  keysetPage,
  type Page,
  type PageRequest,
  currentTraceId,
  isUniqueViolation,
  requireContainerId,
  requireField,
  isIssuedId,
  requireInstructlabId,
} from '@platform/common';
import { OutboxRelay } from '@platform/events';
import type { ObjectStore } from '@platform/object-store';
import type { DataSource } from 'typeorm';
import { ModelDefaults } from '../clients/model-defaults';
import { TaxonomySource } from '../clients/taxonomy-source';
import { OBJECT_STORE } from '@platform/service';
import { SDG_QUEUE } from '../sdg.tokens';
import { dataPrefix } from '../worker/output-key';
import { DataJobEntity } from './data-job.entity';
import { canCancel } from './data-job-status';
import { insertQueuedJob } from './insert-queued-job';
import { cancelDataJobIn } from './data-job.store';
import type { SdgQueueConfig } from './sdg-events';
import { listDataSamples, type SamplesPage } from './data-samples';

export interface NewDataJob {
  projectId: string;
  name: string;
  taxonomyId: string;
  teacherModel?: string;
  judgeModel?: string;
  createdBy: string;
  numInstructions?: number;
  seed?: number;
}

/** `/v1/data` jobs: create (row + queue message in one transaction), read, cancel and delete. */
@Injectable()
export class DataJobsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(OBJECT_STORE) private readonly store: ObjectStore,
    @Inject(SDG_QUEUE) private readonly queue: SdgQueueConfig,
    private readonly taxonomies: TaxonomySource,
    private readonly models: ModelDefaults,
    private readonly relay: OutboxRelay,
  ) {}

  private get repo() {
    return this.db.getRepository(DataJobEntity);
  }

  async create(input: NewDataJob): Promise<DataJobEntity> {
    requireContainerId(input.projectId);
    requireField(INSTRUCTLAB_NAME, input.name, 'name');
    requireField(INSTRUCTLAB_ID, input.taxonomyId, 'taxonomy_id');
    if (
      input.numInstructions !== undefined &&
      (!Number.isInteger(input.numInstructions) || input.numInstructions < 1 || input.numInstructions > 10_000)
    ) {
      throw PlatformError.invalid('num_instructions must be an integer from 1 to 10000.', 'num_instructions');
    }
    if (await this.repo.existsBy({ projectId: input.projectId, name: input.name })) throw this.duplicate(input.name);
    await this.taxonomies.requireTaxonomy(input.projectId, input.taxonomyId);
    const models = await this.models.choose(input);

    try {
      const saved = await this.db.transaction(async (m) => {
        const row = await insertQueuedJob(
          m,
          this.queue,
          {
            projectId: input.projectId,
            name: input.name,
            taxonomyId: input.taxonomyId,
            teacherModel: models.teacherModel,
            judgeModel: models.judgeModel,
            options: {
              ...(input.numInstructions ? { numInstructions: input.numInstructions } : {}),
              ...(input.seed !== undefined ? { seed: input.seed } : {}),
            },
            createdBy: input.createdBy,
          },
          currentTraceId(),
        );
        return row;
      });
      this.relay.nudge();
      return saved;
    } catch (err) {
      if (isUniqueViolation(err)) throw this.duplicate(input.name);
      throw err;
    }
  }

  async get(projectId: string, id: string): Promise<DataJobEntity> {
    requireContainerId(projectId);
    requireInstructlabId(id, 'data');
    const row = isIssuedId(id) ? await this.repo.findOneBy({ projectId, id }) : null;
    if (!row) throw this.notFound(projectId, id);
    return row;
  }

  /** Newest first, one page at a time. */
  list(projectId: string, page: PageRequest): Promise<Page<DataJobEntity>> {
    requireContainerId(projectId);
    return keysetPage(this.repo.createQueryBuilder('j').where('j.project_id = :projectId', { projectId }), NEWEST_FIRST('j'), page);
  }

  /** The samples the job generated so far (a running job's finished batches too), one page at a time. */
  async samples(projectId: string, id: string, q: { leaf: string; start: string; limit: number }): Promise<SamplesPage> {
    const row = await this.get(projectId, id);
    return listDataSamples(this.db, row.id, q);
  }

  /** queued | running → canceled; the worker sees the notice (or its next heartbeat) and stops calling the models. */
  async cancel(projectId: string, id: string): Promise<DataJobEntity> {
    const row = await this.get(projectId, id);
    if (!canCancel(row.status))
      throw PlatformError.invalid(`Data job ${id} is already ${row.status}; only queued or running jobs can be canceled.`, 'id');
    const canceled = await this.db.transaction((m) => cancelDataJobIn(m, row));
    if (!canceled) {
      const now = await this.get(projectId, id);
      throw PlatformError.invalid(`Data job ${id} is already ${now.status}; only queued or running jobs can be canceled.`, 'id');
    }
    this.relay.nudge();
    return this.get(projectId, id);
  }

  /** Cancels unfinished work, removes the output under data/<id>/, then the row and its checkpoints. */
  async delete(projectId: string, id: string): Promise<void> {
    const row = await this.get(projectId, id);
    if (canCancel(row.status)) {
      await this.db.transaction((m) => cancelDataJobIn(m, row));
      this.relay.nudge();
    }
    await this.store.deletePrefix(dataPrefix(row.id));
    const res = await this.repo.delete({ id: row.id, projectId });
    if (!res.affected) throw this.notFound(projectId, id);
  }

  private notFound(projectId: string, id: string): PlatformError {
    return PlatformError.notFound(`Data job ${id} was not found in project ${projectId}.`, 'data_not_found');
  }

  private duplicate(name: string): PlatformError {
    return PlatformError.conflict(`A data job named "${name}" already exists in this project.`, 'name');
  }
}
