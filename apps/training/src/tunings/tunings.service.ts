import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  NEWEST_FIRST,
  PlatformError,
  containerStoragePrefix,
  isIssuedId,
  isUniqueViolation,
  keysetPage,
  storageKey,
  type DataReference,
  type Page,
  type PageRequest,
  type StorageContainer,
  requestContainer,
  describeStorageContainer,
} from '@platform/common';
import type { trainingV1 } from '@platform/contracts';
import { enqueueEvent, OutboxRelay } from '@platform/events';
import type { ObjectStore } from '@platform/object-store';
import { OBJECT_STORE } from '@platform/service';
import type { DataSource, SelectQueryBuilder } from 'typeorm';
import { findDataset } from '../datasets/dataset-rows';
import type { ResolvedHyperparameters } from '../hyperparameters';
import { FINAL_STATUSES, MODEL_JOB_KINDS, ModelJobEntity, type ModelJobKind } from '../model-job.entity';
import { modelPrefix, TRAINING_SCHEMA } from '../model-jobs.service';
import { baseModelLabel, type TrainingConfig } from '../training-config';
import { jobQueueCatalog, trainingEventCatalog } from '../training-events';
import { TRAINING_CONFIG } from '../training.tokens';
import { dataReferenceOf, parseDataReferences, readTrainingData } from './data-references';
import { TUNING_KINDS, type StoredTuning, type TuningKind, type TuningSettings } from './stored-tuning';
import { containerId } from './tuning-container';
import { resolveTuningSettings } from './tuning-settings';
import { recordShapes } from './training-data';

/** The watsonx states a tuning shows: its status, or while running the step it is in. */
export const TUNING_STATES = ['queued', 'pending', 'running', 'storing', 'completed', 'canceled', 'failed'] as const;

const BASE_MODEL_FIELD: Record<TuningKind, string> = {
  prompt_tuning: 'prompt_tuning.base_model.model_id',
  fine_tuning: 'parameters.base_model.model_id',
  post_training: 'model',
};

const MAX_NAME = 255;
const MAX_DESCRIPTION = 5000;
const MAX_TAGS = 64;
const MAX_JSON_CHARS = 64 << 10;

function jsonObject(json: string, field: string): Record<string, unknown> | null {
  if (json.trim() === '') return null;
  if (json.length > MAX_JSON_CHARS) throw PlatformError.invalid(`${field} must be at most ${MAX_JSON_CHARS} characters of JSON.`, field);
  let v: unknown;
  try {
    v = JSON.parse(json);
  } catch {
    throw PlatformError.invalid(`${field} must be a JSON object.`, field);
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw PlatformError.invalid(`${field} must be a JSON object.`, field);
  return v as Record<string, unknown>;
}

/** The InstructLab-shaped hyperparameters column every row holds, derived from a tuning's settings (one phase). */
export function tuningHyperparameters(s: TuningSettings): ResolvedHyperparameters {
  const phase = { epochs: s.numEpochs, learningRate: s.learningRate };
  return {
    mode: s.method === 'lora' ? 'lora' : 'full',
    phase1: phase,
    phase2: { ...phase },
    batchSize: s.batchSize,
    maxSeqLen: s.maxSeqLength || s.maxInputTokens + s.maxOutputTokens,
    loraRank: s.loraRank,
    loraAlpha: s.loraAlpha,
    warmupSteps: 0,
    seed: s.seed,
  };
}

/**
 * The API side of tunings: every kind but InstructLab's multiphase runs, as rows of the same jobs table, queue and
 * worker. A create checks everything it can before anything is written (settings, base model, each data file in the
 * container's storage, the dataset), then writes the row and its queue message in one transaction.
 */
@Injectable()
export class TuningsService {
  private readonly events: ReturnType<typeof trainingEventCatalog>;
  private readonly queue: ReturnType<typeof jobQueueCatalog>;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(OBJECT_STORE) private readonly store: ObjectStore,
    @Inject(TRAINING_CONFIG) private readonly config: TrainingConfig,
    private readonly relay: OutboxRelay,
  ) {
    this.events = trainingEventCatalog(config.eventsPrefix);
    this.queue = jobQueueCatalog(config.jobsPrefix);
  }

  async create(req: trainingV1.CreateTuningRequest): Promise<ModelJobEntity> {
    if (!(TUNING_KINDS as readonly string[]).includes(req.kind))
      throw PlatformError.invalid(`kind must be one of ${TUNING_KINDS.join(', ')}.`, 'kind');
    const kind = req.kind as TuningKind;
    const container = requestContainer(req);
    if (kind === 'post_training' && !container.projectId)
      throw PlatformError.invalid('Post-training jobs belong to a project.', 'project_id');
    const name = req.name.trim() === '' ? req.jobUuid || kind : req.name;
    if (name.length > MAX_NAME) throw PlatformError.invalid(`name must be at most ${MAX_NAME} characters.`, 'name');
    if (req.description.length > MAX_DESCRIPTION)
      throw PlatformError.invalid(`description must be at most ${MAX_DESCRIPTION} characters.`, 'description');
    if (req.tags.length > MAX_TAGS) throw PlatformError.invalid(`At most ${MAX_TAGS} tags.`, 'tags');
    const baseModel = this.baseModel(kind, req.baseModel);
    const settings = resolveTuningSettings(kind, this.config.executor, req.settings);
    const custom = jsonObject(req.customJson, 'custom');
    const resultsReference = this.resultsReference(container, req.resultsReferenceJson);
    const testDataReferences = parseDataReferences(req.testDataReferencesJson, 'test_data_references', false);

    let trainingDataReferences: DataReference[] = [];
    if (kind === 'post_training') {
      if (req.jobUuid.trim() === '' || req.jobUuid.length > 255)
        throw PlatformError.invalid('job_uuid is required (at most 255 characters).', 'job_uuid');
      await this.requireDataset(container, req.datasetId, 'training_config.data_config.dataset_id');
      if (req.validationDatasetId !== '')
        await this.requireDataset(container, req.validationDatasetId, 'training_config.data_config.validation_dataset_id');
    } else {
      trainingDataReferences = parseDataReferences(req.trainingDataReferencesJson, 'training_data_references', true);
      // Read and parsed now, so bad data is a 400 and nothing is queued; the worker reads them again to train.
      await readTrainingData(this.store, container, trainingDataReferences, recordShapes(kind, settings.objective));
      if (testDataReferences.length > 0)
        await readTrainingData(this.store, container, testDataReferences, recordShapes(kind, settings.objective), 'test_data_references');
    }
    const startModelPrefix = await this.startModel(container, kind, req.startModelPrefix);

    const tuning: StoredTuning = {
      settings,
      trainingDataReferences,
      testDataReferences,
      resultsReference,
      custom,
      autoUpdateModel: req.autoUpdateModel,
      metrics: [],
      modelAssetId: '',
      resultsAssetId: randomUUID(),
      jobUuid: req.jobUuid,
      datasetId: req.datasetId,
      validationDatasetId: req.validationDatasetId,
      resultPrefix: '',
      startModelPrefix,
    };
    let saved: ModelJobEntity;
    try {
      saved = await this.db.transaction(async (m) => {
        const repo = m.getRepository(ModelJobEntity);
        const row = await repo.save(
          repo.create({
            kind,
            projectId: container.projectId ?? null,
            spaceId: container.spaceId ?? null,
            name,
            description: req.description,
            tags: req.tags,
            baseModel,
            dataId: null,
            taxonomyId: '',
            status: 'queued',
            state: '',
            createdBy: req.createdBy,
            executor: this.config.executor,
            hyperparameters: tuningHyperparameters(settings),
            tuning,
          }),
        );
        await enqueueEvent(m, TRAINING_SCHEMA, this.queue.create('training.run', { modelId: row.id, projectId: containerId(row) }));
        return row;
      });
    } catch (err) {
      if (isUniqueViolation(err))
        throw PlatformError.conflict(
          `A post-training job with job_uuid ${JSON.stringify(req.jobUuid)} already exists in this project.`,
          'job_uuid',
        );
      throw err;
    }
    this.relay.nudge();
    return saved;
  }

  /** By job id, or for post-training by the caller's job_uuid; a job of a kind the surface does not show is NOT_FOUND. */
  async get(req: { projectId: string; spaceId: string; id: string; kinds: readonly string[] }): Promise<ModelJobEntity> {
    const container = requestContainer(req);
    const kinds = this.kinds(req.kinds);
    if (req.id === '' || req.id.length > 255) throw PlatformError.invalid('id is required (at most 255 characters).', 'id');
    const q = this.scoped(container, kinds);
    const byJobUuid = kinds.includes('post_training');
    if (isIssuedId(req.id) && byJobUuid)
      // One parameter compared with a uuid and a text column: typed by its first use (uuid), cast for the second.
      q.andWhere("(j.id = :id OR (j.kind = 'post_training' AND j.tuning->>'jobUuid' = CAST(:id AS text)))", { id: req.id });
    else if (isIssuedId(req.id)) q.andWhere('j.id = :id', { id: req.id });
    else if (byJobUuid) q.andWhere("j.kind = 'post_training' AND j.tuning->>'jobUuid' = :id", { id: req.id });
    else q.andWhere('false');
    const row = await q.orderBy('j.created_at', 'DESC').getOne();
    if (!row)
      throw PlatformError.notFound(`Training ${req.id} was not found in ${describeStorageContainer(container)}.`, 'training_not_found');
    return row;
  }

  /** Newest first, one page at a time; `state` is a watsonx state (pending, running and storing are steps of running). */
  list(
    req: { projectId: string; spaceId: string; kinds: readonly string[]; state: string; tagValue: string },
    page: PageRequest,
  ): Promise<Page<ModelJobEntity>> {
    const container = requestContainer(req);
    const q = this.scoped(container, this.kinds(req.kinds));
    const state = req.state;
    if (state !== '') {
      if (!(TUNING_STATES as readonly string[]).includes(state))
        throw PlatformError.invalid(`state must be one of ${TUNING_STATES.join(', ')}.`, 'state');
      if (state === 'pending' || state === 'storing') q.andWhere("j.status = 'running' AND j.state = :state", { state });
      // InstructLab jobs run in phases of their own (knowledge, skills, evaluating): all of them are running.
      else if (state === 'running')
        q.andWhere("j.status = 'running' AND (j.kind = 'instructlab' OR j.state NOT IN ('pending', 'storing'))");
      else q.andWhere('j.status = :state', { state });
    }
    if (req.tagValue !== '') q.andWhere('j.tags @> :tag::jsonb', { tag: JSON.stringify([req.tagValue]) });
    return keysetPage(q, NEWEST_FIRST('j'), page);
  }

  /** Without hard_delete a queued or running job is canceled and kept; with it the job and its objects are removed. */
  async delete(req: { projectId: string; spaceId: string; id: string; kinds: readonly string[]; hardDelete: boolean }): Promise<void> {
    const row = await this.get(req);
    if (!req.hardDelete) {
      if (!FINAL_STATUSES.includes(row.status)) await this.cancel(row);
      return;
    }
    await this.db.transaction(async (m) => {
      const res = await m.getRepository(ModelJobEntity).delete({ id: row.id });
      if (!res.affected) throw PlatformError.notFound(`Training ${req.id} was not found.`, 'training_not_found');
      await enqueueEvent(m, TRAINING_SCHEMA, this.events.create('training.job.deleted', { modelId: row.id, projectId: containerId(row) }));
    });
    this.relay.nudge();
    await this.store.deletePrefix(modelPrefix(row.id));
  }

  /** The run's log lines, attempts in order, at most the last `maxLines` (0: 1000). */
  async logs(req: { projectId: string; spaceId: string; id: string; kinds: readonly string[]; maxLines: number }): Promise<string[]> {
    const row = await this.get(req);
    const max = req.maxLines > 0 ? Math.min(req.maxLines, 100_000) : 1000;
    const keys: string[] = [];
    for await (const key of this.store.list(`${modelPrefix(row.id)}logs/`)) if (/train-attempt-\d+\.log$/.test(key)) keys.push(key);
    keys.sort((a, b) => attemptOf(a) - attemptOf(b));
    const lines: string[] = [];
    for (const key of keys) {
      const text = (await this.store.getBuffer(key, 64 << 20)).toString('utf8');
      for (const l of text.split('\n')) if (l !== '') lines.push(l);
      if (lines.length > max) lines.splice(0, lines.length - max);
    }
    return lines;
  }

  private async cancel(row: ModelJobEntity): Promise<void> {
    await this.db.transaction(async (m) => {
      const res = await m
        .createQueryBuilder()
        .update(ModelJobEntity)
        .set({ status: 'canceled', state: 'canceled', completedAt: () => 'now()', modifiedAt: () => 'now()' })
        .where('id = :id AND status IN (:...open)', { id: row.id, open: ['queued', 'running'] })
        .execute();
      if (res.affected)
        await enqueueEvent(
          m,
          TRAINING_SCHEMA,
          this.events.create('training.job.canceled', { modelId: row.id, projectId: containerId(row), status: 'canceled' }),
        );
    });
    this.relay.nudge();
  }

  private scoped(c: StorageContainer, kinds: readonly ModelJobKind[]): SelectQueryBuilder<ModelJobEntity> {
    const q = this.db.getRepository(ModelJobEntity).createQueryBuilder('j');
    if (c.projectId) q.where('j.project_id = :cid', { cid: c.projectId });
    else q.where('j.space_id = :cid', { cid: c.spaceId });
    return q.andWhere('j.kind IN (:...kinds)', { kinds });
  }

  /** The kinds a surface shows; none given: every kind. */
  private kinds(requested: readonly string[]): ModelJobKind[] {
    for (const k of requested)
      if (!(MODEL_JOB_KINDS as readonly string[]).includes(k))
        throw PlatformError.invalid(`kinds may hold ${MODEL_JOB_KINDS.join(', ')}.`, 'kinds');
    return requested.length > 0 ? [...new Set(requested as ModelJobKind[])] : [...MODEL_JOB_KINDS];
  }

  private baseModel(kind: TuningKind, requested: string): string {
    const b = this.config.baseModel.name;
    if (requested === '' || requested === b || requested === baseModelLabel(b)) return b;
    throw PlatformError.invalid(
      `${BASE_MODEL_FIELD[kind]} "${requested}" is not available for tuning; this platform tunes "${b}".`,
      BASE_MODEL_FIELD[kind],
    );
  }

  /** A results reference names a directory of the container's storage (type container or fs). */
  private resultsReference(container: StorageContainer, json: string): DataReference | null {
    const o = jsonObject(json, 'results_reference');
    if (!o) return null;
    const ref = dataReferenceOf(o, 'results_reference');
    if (ref.type !== 'container' && ref.type !== 'fs')
      throw PlatformError.invalid(
        'results_reference.type must be container (or fs) in the project or space storage.',
        'results_reference.type',
      );
    resultsDir(container, ref);
    return ref;
  }

  private async requireDataset(c: StorageContainer, id: string, field: string): Promise<void> {
    if (id === '') throw PlatformError.invalid(`${field} is required.`, field);
    if (!(await findDataset(this.db, c.projectId ?? '', id)))
      throw PlatformError.invalid(`Dataset ${JSON.stringify(id)} was not found in ${describeStorageContainer(c)}.`, field);
  }

  /**
   * Where training starts when not from the base model: an earlier completed tuning's published model in the same
   * container, or a model directory in the container's own storage (e.g. a post-training checkpoint copy).
   */
  private async startModel(c: StorageContainer, kind: TuningKind, prefix: string): Promise<string> {
    if (prefix === '') return '';
    const field = kind === 'post_training' ? 'finetuned_model' : 'start_model_prefix';
    const dir = prefix.endsWith('/') ? prefix : `${prefix}/`;
    const published = /^trained_models\/([0-9a-f-]{36})\/model\/$/.exec(dir);
    if (published) {
      const q = this.scoped(c, [...MODEL_JOB_KINDS]).andWhere("j.id = :id AND j.status = 'completed'", { id: published[1] });
      if (!(await q.getOne()))
        throw PlatformError.invalid(`${field}: no completed training of ${describeStorageContainer(c)} published ${dir}.`, field);
    } else if (!dir.startsWith(containerStoragePrefix(c))) {
      throw PlatformError.invalid(
        `${field} must be a completed training's model or a directory in the ${describeStorageContainer(c)} storage.`,
        field,
      );
    }
    if (!(await this.store.exists(`${dir}config.json`)) || !(await this.store.exists(`${dir}model.safetensors`)))
      throw PlatformError.invalid(`${field}: ${dir} holds no model (config.json and model.safetensors).`, field);
    return dir;
  }
}

/** The bucket prefix (ending in "/") a results reference names. */
export function resultsDir(container: StorageContainer, ref: DataReference): string {
  const path = ref.location?.path;
  if (typeof path !== 'string' || path.replace(/\/+$/, '') === '')
    throw PlatformError.invalid('results_reference.location.path is required.', 'results_reference.location.path');
  if (ref.type === 'fs') {
    const own = `/${containerStoragePrefix(container)}`;
    if (!path.startsWith(own))
      throw PlatformError.invalid(`results_reference.location.path must lie in ${own}.`, 'results_reference.location.path');
    return `${storageKey(container, path.slice(own.length).replace(/\/+$/, ''), 'results_reference.location.path')}/`;
  }
  return `${storageKey(container, path.replace(/\/+$/, ''), 'results_reference.location.path')}/`;
}

const attemptOf = (key: string) => Number(/train-attempt-(\d+)\.log$/.exec(key)?.[1] ?? 0);
