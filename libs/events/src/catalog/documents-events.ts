import { defineEvents, type EventCatalog } from '../envelope';

/**
 * What the documents service announces about its text extraction jobs (`platform.events.documents.extraction.*`),
 * through its outbox. `.canceled` and `.deleted` are also the workers' prompt stop notices (a plain subscription).
 * Exactly one of projectId and spaceId names the job's container.
 */
export interface DocumentsExtractionEvent {
  extractionId: string;
  projectId?: string;
  spaceId?: string;
  /** The API status the job reached: submitted … completed | failed. */
  status: string;
}

export interface DocumentsExtractionProgress extends DocumentsExtractionEvent {
  pagesProcessed: number;
  totalPages: number;
}

export interface DocumentsExtractionFailed extends DocumentsExtractionEvent {
  code: string;
  reason: string;
}

export type DocumentsEvents = {
  'documents.extraction.created': DocumentsExtractionEvent;
  'documents.extraction.progress': DocumentsExtractionProgress;
  'documents.extraction.completed': DocumentsExtractionEvent;
  'documents.extraction.failed': DocumentsExtractionFailed;
  'documents.extraction.canceled': DocumentsExtractionEvent;
  'documents.extraction.deleted': DocumentsExtractionEvent;
};

export const documentsEvents: EventCatalog<DocumentsEvents> = defineEvents<DocumentsEvents>();

/** The same events under another subject prefix (tests isolate themselves on their own stream this way). */
export function documentsEventsWithPrefix(subjectPrefix: string): EventCatalog<DocumentsEvents> {
  return defineEvents<DocumentsEvents>({ subjectPrefix });
}
