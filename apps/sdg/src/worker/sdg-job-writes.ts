import { sdgEvents, type EventEnvelope } from '@platform/events';
import type { LeasedWrite } from '@platform/jobs';
import type { EntityManager } from 'typeorm';
import { DataJobEntity } from '../jobs/data-job.entity';
import { stateOf } from '../jobs/data-job-status';
import type { SdgProgress, SdgRunResult } from '../pipelines/contract';

// A worker's writes to its job row. Each runs inside the job runner's transaction, which holds the row only while the
// worker still owns the job, and returns the events announced with it (outbox).

type JobKeys = Pick<DataJobEntity, 'id' | 'projectId'>;

export const stageWrite =
  (id: string, stage: string): LeasedWrite =>
  async (m) => {
    await m.update(DataJobEntity, { id }, { state: stateOf(stage) });
  };

/** The row's progress and the `sdg.job.progress` event. */
export async function progressWrite(m: EntityManager, job: JobKeys, p: SdgProgress): Promise<EventEnvelope[]> {
  await m.update(DataJobEntity, { id: job.id }, { state: stateOf(p.stage), progress: p });
  return [sdgEvents.create('sdg.job.progress', { dataId: job.id, projectId: job.projectId, ...p })];
}

export const completeWrite =
  (job: JobKeys & Pick<DataJobEntity, 'taxonomyId'>, result: SdgRunResult): LeasedWrite =>
  async (m) => {
    await m.update(
      DataJobEntity,
      { id: job.id },
      { status: 'completed', state: '', completedAt: () => 'now()', samples: result.samples, tokens: result.tokens },
    );
    return [sdgEvents.create('sdg.job.completed', { dataId: job.id, projectId: job.projectId, taxonomyId: job.taxonomyId })];
  };

export const failedEvent = (job: JobKeys, reason: string): EventEnvelope =>
  sdgEvents.create('sdg.job.failed', { dataId: job.id, projectId: job.projectId, reason });
