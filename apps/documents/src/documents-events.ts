import { defineEvents, documentsEventsWithPrefix, eventsSubjectPrefix } from '@platform/events';

/** Events this service publishes (names and payloads: the catalog in libs/events); tests give their own subject prefix. */
export const documentsEventCatalog = (subjectPrefix = eventsSubjectPrefix()) => documentsEventsWithPrefix(subjectPrefix);
export type DocumentsEventCatalog = ReturnType<typeof documentsEventCatalog>;

/** A text extraction on the work queue: the job row holds everything else. */
export interface ExtractionRun {
  extractionId: string;
}

export const JOBS_SUBJECT_PREFIX = 'platform.jobs';
/** The job queue's messages; the stream holds every `<prefix>.documents.>` subject. */
export const documentsJobCatalog = (subjectPrefix = JOBS_SUBJECT_PREFIX) =>
  defineEvents<{ 'documents.extraction.run': ExtractionRun }>({ subjectPrefix });
export type DocumentsJobCatalog = ReturnType<typeof documentsJobCatalog>;
