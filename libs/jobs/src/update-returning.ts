import type { DataSource, EntityManager } from 'typeorm';

/**
 * Runs UPDATE … RETURNING and gives back the returned rows. TypeORM's postgres driver answers UPDATE and DELETE
 * with `[rows, rowCount]` instead of the rows, so a plain `query()` would always look like "two rows".
 */
export async function updateReturning<T = { id: string }>(q: DataSource | EntityManager, sql: string, params: unknown[]): Promise<T[]> {
  const res: unknown = await q.query(sql, params);
  if (Array.isArray(res) && res.length === 2 && Array.isArray(res[0]) && typeof res[1] === 'number') return res[0] as T[];
  return res as T[];
}
