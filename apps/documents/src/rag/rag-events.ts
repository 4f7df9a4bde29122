import { defineEvents } from '@platform/events';
import type { RagExperimentEntity } from './rag-experiment.entity';
import { containerIds, rowContainer } from '../container';
import { JOBS_SUBJECT_PREFIX } from '../documents-events';

/** An experiment on the work queue: the row holds everything else. */
export interface RagRun {
  experimentId: string;
}

/** The experiments' queue messages, beside the extractions' on the documents job stream (`<prefix>.documents.>`). */
export const ragJobCatalog = (subjectPrefix = JOBS_SUBJECT_PREFIX) => defineEvents<{ 'documents.rag.run': RagRun }>({ subjectPrefix });
export type RagJobCatalog = ReturnType<typeof ragJobCatalog>;

/** The experiment's id and container as every documents.rag.* event carries them. */
export const ragIds = (row: Pick<RagExperimentEntity, 'id' | 'projectId' | 'spaceId'>) => ({
  experimentId: row.id,
  ...containerIds(rowContainer(row)),
});
