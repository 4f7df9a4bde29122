import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  INSTRUCTLAB_ID,
  INSTRUCTLAB_NAME,
  NEWEST_FIRST,
  PlatformError,
  keysetPage,
  requireContainerId,
  requireField,
  isIssuedId,
  requireInstructlabId,
  type Page,
  type PageRequest,
} from '@platform/common';
import type { trainingV1 } from '@platform/contracts';
import { enqueueEvent, OutboxRelay } from '@platform/events';
import type { ObjectStore } from '@platform/object-store';
import type { DataSource, EntityManager } from 'typeorm';
import type { DataJobs } from './data/data-jobs';
import { resolveHyperparameters } from './hyperparameters';
import { FINAL_STATUSES, ModelJobEntity, type ModelJobStatus } from './model-job.entity';
import { checkBaseModel, type TrainingConfig } from './training-config';
import { jobQueueCatalog, trainingEventCatalog } from './training-events';
import { OBJECT_STORE } from '@platform/service';
import { DATA_JOBS, TRAINING_CONFIG } from './training.tokens';
import { lossSteps, thinSteps, type LossStep } from './worker/loss-history';

const RUN_LOG = /\/train-attempt-(\d+)\.log$/;

export const TRAINING_SCHEMA = 'training';

export interface NewModelJob {
  projectId: string;
  name: string;
  dataId: string;
  createdBy: string;
  baseModel: string;
  hyperparameters?: trainingV1.Hyperparameters;
  description?: string;
  tags?: string[];
}

const STATUSES: readonly ModelJobStatus[] = ['queued', 'running', 'completed', 'canceled', 'failed'];

/** The prefix of everything a job writes to the bucket. */
export const modelPrefix = (id: string) => `trained_models/${id}/`;

/** The API side of training jobs: validation, the job row with its queue message, cancel and delete. */
@Injectable()
export class ModelJobsService {
  private readonly events: ReturnType<typeof trainingEventCatalog>;
  private readonly queue: ReturnType<typeof jobQueueCatalog>;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(OBJECT_STORE) private readonly store: ObjectStore,
    @Inject(DATA_JOBS) private readonly dataJobs: DataJobs,
    @Inject(TRAINING_CONFIG) private readonly config: TrainingConfig,
    private readonly relay: OutboxRelay,
  ) {
    this.events = trainingEventCatalog(config.eventsPrefix);
    this.queue = jobQueueCatalog(config.jobsPrefix);
  }

  private get repo() {
    return this.db.getRepository(ModelJobEntity);
  }

  /**
   * Checks the data run with the SDG service, then writes the queued job and its work-queue message in one
   * transaction: a job exists exactly when a worker will pick it up.
   */
  async create(input: NewModelJob): Promise<ModelJobEntity> {
    requireContainerId(input.projectId);
    requireField(INSTRUCTLAB_NAME, input.name, 'name');
    requireField(INSTRUCTLAB_ID, input.dataId, 'data_id');
    const baseModel = checkBaseModel(this.config, input.baseModel);
    const hyperparameters = resolveHyperparameters(this.config.executor, input.hyperparameters);
    if ((input.tags ?? []).length > 64) throw PlatformError.invalid('At most 64 tags.', 'tags');
    const data = await this.dataJobs.get(input.projectId, input.dataId);
    if (!data) throw PlatformError.invalid(`Data ${input.dataId} was not found in project ${input.projectId}.`, 'data_id');
    if (!data.completed)
      throw PlatformError.invalid(`Data ${input.dataId} is ${data.status}; training needs a completed data generation run.`, 'data_id');

    const saved = await this.db.transaction(async (m) => {
      const repo = m.getRepository(ModelJobEntity);
      const row = await repo.save(
        repo.create({
          projectId: input.projectId,
          name: input.name,
          description: input.description ?? '',
          tags: input.tags ?? [],
          baseModel,
          dataId: input.dataId,
          taxonomyId: data.taxonomyId,
          status: 'queued',
          state: '',
          createdBy: input.createdBy,
          executor: this.config.executor,
          hyperparameters,
          tokensEstimated: data.trainingEstimated,
        }),
      );
      await enqueueEvent(m, TRAINING_SCHEMA, this.queue.create('training.run', { modelId: row.id, projectId: input.projectId }));
      return row;
    });
    this.relay.nudge();
    return saved;
  }

  async get(projectId: string, id: string): Promise<ModelJobEntity> {
    requireContainerId(projectId);
    requireInstructlabId(id, 'model');
    // Tunings share the table; this view (and /v1/models) shows InstructLab jobs only.
    const row = isIssuedId(id) ? await this.repo.findOneBy({ projectId, id, kind: 'instructlab' }) : null;
    if (!row) throw PlatformError.notFound(`Model ${id} was not found in project ${projectId}.`, 'model_not_found');
    return row;
  }

  /** Every step's loss from the job's run logs (uploaded at each checkpoint and at the end), thinned for a chart. */
  async loss(projectId: string, id: string): Promise<{ points: LossStep[]; totalSteps: number }> {
    const row = await this.get(projectId, id);
    const keys: string[] = [];
    for await (const key of this.store.list(`${modelPrefix(row.id)}logs/`)) if (RUN_LOG.test(key)) keys.push(key);
    keys.sort((a, b) => Number(RUN_LOG.exec(a)?.[1]) - Number(RUN_LOG.exec(b)?.[1]));
    const texts = await Promise.all(keys.map(async (k) => (await this.store.getBuffer(k, 64 << 20)).toString('utf8')));
    const steps = lossSteps(texts);
    return { points: thinSteps(steps), totalSteps: steps.length };
  }

  /** Newest first, one page at a time, optionally only the jobs in one status or carrying one tag. */
  list(projectId: string, page: PageRequest, filter: { state?: string; tag?: string } = {}): Promise<Page<ModelJobEntity>> {
    requireContainerId(projectId);
    if (filter.state && !STATUSES.includes(filter.state as ModelJobStatus))
      throw PlatformError.invalid(`state must be one of ${STATUSES.join(', ')}.`, 'state');
    const q = this.repo.createQueryBuilder('j').where("j.project_id = :projectId AND j.kind = 'instructlab'", { projectId });
    if (filter.state) q.andWhere('j.status = :state', { state: filter.state });
    if (filter.tag) q.andWhere('j.tags @> :tag::jsonb', { tag: JSON.stringify([filter.tag]) });
    return keysetPage(q, NEWEST_FIRST('j'), page);
  }

  /** Queued or running jobs become canceled at once; the worker sees it and stops its trainer. */
  async cancel(projectId: string, id: string): Promise<ModelJobEntity> {
    const row = await this.get(projectId, id);
    if (row.status === 'canceled') return row;
    if (FINAL_STATUSES.includes(row.status)) throw PlatformError.invalid(`Model ${id} is already ${row.status}.`, 'id');
    await this.db.transaction(async (m) => {
      const res = await m
        .createQueryBuilder()
        .update(ModelJobEntity)
        .set({ status: 'canceled', state: 'canceled', completedAt: () => 'now()', modifiedAt: () => 'now()' })
        .where('id = :id AND status IN (:...open)', { id, open: ['queued', 'running'] })
        .execute();
      if (res.affected) await this.announce(m, 'training.job.canceled', row, 'canceled');
    });
    this.relay.nudge();
    return this.get(projectId, id);
  }

  /** Removes the row (a running worker notices and stops) and every object under trained_models/<id>/. */
  async delete(projectId: string, id: string): Promise<void> {
    const row = await this.get(projectId, id);
    await this.db.transaction(async (m) => {
      const res = await m.getRepository(ModelJobEntity).delete({ id: row.id, projectId });
      if (!res.affected) throw PlatformError.notFound(`Model ${id} was not found in project ${projectId}.`, 'model_not_found');
      await enqueueEvent(m, TRAINING_SCHEMA, this.events.create('training.job.deleted', { modelId: row.id, projectId }));
    });
    this.relay.nudge();
    await this.store.deletePrefix(modelPrefix(row.id));
  }

  private async announce(m: EntityManager, type: 'training.job.canceled', row: ModelJobEntity, status: 'canceled'): Promise<void> {
    await enqueueEvent(m, TRAINING_SCHEMA, this.events.create(type, { modelId: row.id, projectId: row.projectId ?? '', status }));
  }
}
