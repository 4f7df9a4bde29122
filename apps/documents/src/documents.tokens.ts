import { DocumentsConfig } from './documents.config';

/** The service's own schema: text extraction jobs, RAG experiments, their outbox. */
export const DOCUMENTS_SCHEMA = 'documents';
/** The loaded `DocumentsConfig` (PlatformServiceModule provides it under its definition's token). */
export const DOCUMENTS_CONFIG = DocumentsConfig.token;
