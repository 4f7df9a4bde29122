import { enqueueEvent } from '@platform/events';
import type { EntityManager } from 'typeorm';
import { DataJobEntity } from './data-job.entity';
import { SDG_SCHEMA } from './data-job.store';
import { sdgJobs, type SdgQueueConfig } from './sdg-events';

/** What a caller chooses for a new job; the lifecycle columns start empty. */
export type QueuedJobFields = Pick<
  DataJobEntity,
  'projectId' | 'name' | 'taxonomyId' | 'teacherModel' | 'judgeModel' | 'options' | 'createdBy'
>;

/** Inserts a queued job and its queue message in the caller's transaction, so neither exists without the other. */
export async function insertQueuedJob(
  m: EntityManager,
  queue: SdgQueueConfig,
  job: QueuedJobFields,
  traceId?: string,
): Promise<DataJobEntity> {
  const repo = m.getRepository(DataJobEntity);
  const row = await repo.save(
    repo.create({
      ...job,
      status: 'queued',
      state: '',
      samples: {},
      tokens: null,
      progress: null,
      failureReason: null,
      leaseOwner: null,
      leaseExpiresAt: null,
      startedAt: null,
      completedAt: null,
      attempts: 0,
    }),
  );
  await enqueueEvent(m, SDG_SCHEMA, sdgJobs(queue).create('sdg.run', { dataId: row.id, projectId: row.projectId }, { traceId }));
  return row;
}
