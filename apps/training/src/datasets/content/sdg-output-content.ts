import { PlatformError, isIssuedId } from '@platform/common';
import { ObjectNotFoundError, ObjectTooLargeError, type ObjectStore } from '@platform/object-store';
import type { DataJobs } from '../../data/data-jobs';
import type { DatasetRow } from '../dataset-rows';
import { FIELD } from '../dataset-fields';
import { MAX_DATASET_BYTES } from '../dataset-settings';
import { parseRows, tooLarge } from '../row-format';

/** The conversations a data generation run wrote for skills training: what InstructLab training reads too. */
export const sdgOutputKey = (dataId: string) => `data/${dataId}/skills_train_msgs.jsonl`;

const invalid = (message: string) => PlatformError.invalid(`${FIELD.contentUrl} ${message}`, FIELD.contentUrl);

/**
 * The rows of a completed data generation run of the dataset's project, each reduced to its `messages` (a dialog
 * column named `messages`); the run's other fields (id, metadata, unmask) are the SDG's bookkeeping.
 */
export async function readSdgOutput(
  store: ObjectStore,
  dataJobs: DataJobs,
  projectId: string,
  target: { projectId?: string; dataId: string },
): Promise<DatasetRow[]> {
  if (target.projectId !== undefined && target.projectId !== projectId)
    throw invalid(`must name a data generation run of project ${projectId}, the dataset's project.`);
  const run = isIssuedId(target.dataId) ? await dataJobs.get(projectId, target.dataId) : null;
  if (!run) throw invalid(`names data ${target.dataId}, which was not found in project ${projectId}.`);
  if (!run.completed)
    throw invalid(`names data ${target.dataId}, which is ${run.status}; a dataset needs a completed data generation run.`);
  let bytes: Buffer;
  try {
    bytes = await store.getBuffer(sdgOutputKey(target.dataId), MAX_DATASET_BYTES);
  } catch (err) {
    if (err instanceof ObjectTooLargeError) throw tooLarge();
    if (err instanceof ObjectNotFoundError) throw invalid(`names data ${target.dataId}, which has no skills_train_msgs.jsonl.`);
    throw err;
  }
  return parseRows(bytes, 'jsonl').map((row) => ({ messages: row.messages }));
}
