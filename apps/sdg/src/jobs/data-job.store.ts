import { enqueueEvent, sdgEvents } from '@platform/events';
import { updateReturning } from '@platform/jobs';
import type { EntityManager } from 'typeorm';
import type { DataJobEntity } from './data-job.entity';

export const SDG_SCHEMA = 'sdg';

/**
 * queued | running → canceled with its event, inside the caller's transaction; false when already finished. A worker
 * running the job sees the event (or, failing that, its next heartbeat) and stops.
 */
export async function cancelDataJobIn(m: EntityManager, job: Pick<DataJobEntity, 'id' | 'projectId'>): Promise<boolean> {
  const rows = await updateReturning(
    m,
    `UPDATE ${SDG_SCHEMA}.data_jobs SET status = 'canceled', completed_at = now(), lease_owner = NULL, lease_expires_at = NULL
      WHERE id = $1 AND status IN ('queued', 'running') RETURNING id`,
    [job.id],
  );
  if (rows.length === 0) return false;
  await enqueueEvent(m, SDG_SCHEMA, sdgEvents.create('sdg.job.canceled', { dataId: job.id, projectId: job.projectId }));
  return true;
}
