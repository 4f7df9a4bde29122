import type { DataSource } from 'typeorm';
import { SDG_SCHEMA } from '../jobs/data-job.store';
import type { CheckpointStore } from '../pipelines/contract';

/**
 * Finished batches of one job in PostgreSQL. The (job, leaf, batch) primary key and `ON CONFLICT DO NOTHING` make a
 * save idempotent: a worker that resumes after a crash, or a second worker racing the first, cannot add a batch twice.
 */
export class PgCheckpointStore implements CheckpointStore {
  constructor(
    private readonly db: DataSource,
    private readonly jobId: string,
  ) {}

  async load(leafPath: string): Promise<Map<number, unknown[]>> {
    const rows: { batch_index: number; rows: unknown[] }[] = await this.db.query(
      `SELECT batch_index, rows FROM ${SDG_SCHEMA}.checkpoints WHERE job_id = $1 AND leaf_path = $2 ORDER BY batch_index`,
      [this.jobId, leafPath],
    );
    return new Map(rows.map((r) => [r.batch_index, r.rows]));
  }

  async save(leafPath: string, batchIndex: number, rows: unknown[]): Promise<void> {
    if (!Number.isInteger(batchIndex) || batchIndex < 0) throw new Error(`batch index must be a non-negative integer, got ${batchIndex}`);
    await this.db.query(
      `INSERT INTO ${SDG_SCHEMA}.checkpoints (job_id, leaf_path, batch_index, rows) VALUES ($1, $2, $3, $4::jsonb)
       ON CONFLICT (job_id, leaf_path, batch_index) DO NOTHING`,
      [this.jobId, leafPath, batchIndex, JSON.stringify(rows)],
    );
  }
}
