import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { PlatformError, isUniqueViolation, requireContainerId } from '@platform/common';
import type { ObjectStore } from '@platform/object-store';
import { OBJECT_STORE } from '@platform/service';
import type { DataSource } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import type { DataJobs } from '../data/data-jobs';
import type { TrainingConfig } from '../training-config';
import { DATA_JOBS, TRAINING_CONFIG } from '../training.tokens';
import { readContentRows } from './content/content-url';
import { DatasetEntity } from './dataset.entity';
import { FIELD, checkColumns, parseMetadata, requireDatasetId } from './dataset-fields';
import { datasetRowsKey, findDataset } from './dataset-rows';
import { checkRows } from './row-checks';

export interface NewDataset {
  projectId: string;
  id: string;
  columns: Record<string, string>;
  contentUrl: string;
  metadataJson: string;
  createdBy: string;
}

/** Llama Stack datasets of a project: a definition row plus its rows, copied once into the bucket at create. */
@Injectable()
export class DatasetsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(OBJECT_STORE) private readonly store: ObjectStore,
    @Inject(DATA_JOBS) private readonly dataJobs: DataJobs,
    @Inject(TRAINING_CONFIG) private readonly config: TrainingConfig,
  ) {}

  /**
   * Checks the definition, reads and checks every row, then inserts the row and writes the object in one
   * transaction: the definition is committed only once its rows are in the bucket, and a failed create leaves
   * neither. A concurrent create of the same id waits on the inserted key and then fails with 409, never touching
   * the object of the one that won.
   */
  async create(input: NewDataset): Promise<DatasetEntity> {
    requireContainerId(input.projectId);
    requireDatasetId(input.id, FIELD.uuid);
    const columns = checkColumns(input.columns);
    const metadata = parseMetadata(input.metadataJson);
    if (input.contentUrl === '') throw PlatformError.invalid(`${FIELD.contentUrl} is required.`, FIELD.contentUrl);
    // Before reading any content: a duplicate is refused without fetching or parsing anything.
    if (await findDataset(this.db, input.projectId, input.id)) throw this.duplicate(input);

    const rows = await readContentRows(input.contentUrl, input.projectId, {
      store: this.store,
      dataJobs: this.dataJobs,
      settings: this.config.datasets,
    });
    checkRows(rows, columns);
    const body = Buffer.from(rows.map((r) => `${JSON.stringify(r)}\n`).join(''));
    const objectKey = datasetRowsKey(input.projectId, input.id);

    let written = false;
    try {
      return await this.db.transaction(async (m) => {
        const repo = m.getRepository(DatasetEntity);
        // insert, not save: save would turn a duplicate committed meanwhile into an update of it.
        const entity = repo.create({
          projectId: input.projectId,
          id: input.id,
          columns,
          contentUrl: input.contentUrl,
          metadata,
          rowCount: rows.length,
          objectKey,
          createdBy: input.createdBy,
        });
        // TypeORM's partial-entity type cannot recurse into `unknown` (the jsonb metadata); the entity is whole.
        await repo.insert(entity as QueryDeepPartialEntity<DatasetEntity>);
        const saved = await repo.findOneByOrFail({ projectId: input.projectId, id: input.id });
        await this.store.put(objectKey, body, 'application/x-ndjson');
        written = true;
        return saved;
      });
    } catch (err) {
      // Only a failed commit comes after the write; the key is still ours then (the insert held it).
      if (written) await this.store.delete(objectKey).catch(() => undefined);
      if (isUniqueViolation(err)) throw this.duplicate(input);
      throw err;
    }
  }

  async get(projectId: string, id: string): Promise<DatasetEntity> {
    requireContainerId(projectId);
    requireDatasetId(id, FIELD.datasetId);
    const row = await findDataset(this.db, projectId, id);
    if (!row) throw this.notFound(projectId, id);
    return row;
  }

  /** The row and its object go together: an object that cannot be removed keeps the row (and the 5xx says so). */
  async delete(projectId: string, id: string): Promise<void> {
    requireContainerId(projectId);
    requireDatasetId(id, FIELD.datasetId);
    await this.db.transaction(async (m) => {
      const row = await m
        .getRepository(DatasetEntity)
        .createQueryBuilder('d')
        .setLock('pessimistic_write')
        .where('d.project_id = :projectId AND d.id = :id', { projectId, id })
        .getOne();
      if (!row) throw this.notFound(projectId, id);
      await m.getRepository(DatasetEntity).delete({ projectId, id });
      await this.store.delete(row.objectKey);
    });
  }

  private duplicate(input: NewDataset): PlatformError {
    return PlatformError.conflict(`Dataset ${input.id} already exists in project ${input.projectId}.`, FIELD.uuid);
  }

  private notFound(projectId: string, id: string): PlatformError {
    return PlatformError.notFound(`Dataset ${id} was not found in project ${projectId}.`, 'dataset_not_found');
  }
}
