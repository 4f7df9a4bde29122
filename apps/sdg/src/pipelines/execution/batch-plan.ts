import type { Row } from '../engine/row';

/**
 * Input rows cut into fixed batches. The plan depends only on the rows (themselves derived deterministically
 * from the taxonomy and documents), so a resumed job rebuilds the same batches and batch i means the same rows.
 */
export function planBatches(rows: Row[], batchSize: number): Row[][] {
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`batch size must be a positive integer, got ${batchSize}`);
  const batches: Row[][] = [];
  for (let i = 0; i < rows.length; i += batchSize) batches.push(rows.slice(i, i + batchSize));
  return batches;
}
