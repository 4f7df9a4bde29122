import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ObjectStore } from '@platform/object-store';
import type { DataSource, EntityManager } from 'typeorm';
import { DatasetEntity } from './dataset.entity';

/** One dataset row: an object holding at least the dataset's declared columns. */
export type DatasetRow = Record<string, unknown>;

/** Where a dataset's rows live in the bucket: one JSON object per line, as checked when the dataset was created. */
export const datasetRowsKey = (projectId: string, id: string) => `datasets/${projectId}/${id}/rows.jsonl`;

/** The project's dataset with that id, or null (the caller decides which 4xx that is). */
export function findDataset(db: DataSource | EntityManager, projectId: string, id: string): Promise<DatasetEntity | null> {
  return db.getRepository(DatasetEntity).findOneBy({ projectId, id });
}

/** The dataset's rows in order, streamed from the bucket (never the whole object in memory). */
export async function* readDatasetRows(store: ObjectStore, dataset: Pick<DatasetEntity, 'objectKey'>): AsyncGenerator<DatasetRow> {
  const lines = createInterface({ input: await store.get(dataset.objectKey), crlfDelay: Infinity });
  for await (const line of lines) if (line.trim() !== '') yield JSON.parse(line) as DatasetRow;
}

/**
 * Writes the dataset's rows to `localPath` as JSONL (directories created), each passed through `transform` first when
 * given (e.g. a row's `messages` column to the trainer's `{messages}` line); a row it maps to undefined is left out.
 * Resolves with the number of lines written.
 */
export async function stageDatasetRows(
  store: ObjectStore,
  dataset: Pick<DatasetEntity, 'objectKey'>,
  localPath: string,
  transform: (row: DatasetRow, index: number) => unknown = (row) => row,
): Promise<number> {
  await mkdir(dirname(localPath), { recursive: true });
  let written = 0;
  async function* lines(): AsyncGenerator<string> {
    let index = 0;
    for await (const row of readDatasetRows(store, dataset)) {
      const out = transform(row, index++);
      if (out === undefined) continue;
      written++;
      yield `${JSON.stringify(out)}\n`;
    }
  }
  await pipeline(Readable.from(lines()), createWriteStream(localPath));
  return written;
}
