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

/**
 * What it announces about its AutoAI RAG experiments (`platform.events.documents.rag.*`); `.canceled` and `.deleted`
 * stop a running experiment's worker at once.
 */
export interface DocumentsRagEvent {
  experimentId: string;
  projectId?: string;
  spaceId?: string;
  /** The experiment's state: pending | running | completed | failed | canceled. */
  state: string;
}

export interface DocumentsRagProgress extends DocumentsRagEvent {
  /** The composition step in progress (chunking, embeddings, retrieval, generation …). */
  step: string;
  patternsCompleted: number;
  patternsPlanned: number;
}

export interface DocumentsRagFailed extends DocumentsRagEvent {
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
  'documents.rag.created': DocumentsRagEvent;
  'documents.rag.progress': DocumentsRagProgress;
  'documents.rag.completed': DocumentsRagEvent;
  'documents.rag.failed': DocumentsRagFailed;
  'documents.rag.canceled': DocumentsRagEvent;
  'documents.rag.deleted': DocumentsRagEvent;
};

export const documentsEvents: EventCatalog<DocumentsEvents> = defineEvents<DocumentsEvents>();

/** The same events under another subject prefix (tests isolate themselves on their own stream this way). */
export function documentsEventsWithPrefix(subjectPrefix: string): EventCatalog<DocumentsEvents> {
  return defineEvents<DocumentsEvents>({ subjectPrefix });
}
