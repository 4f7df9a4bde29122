/**
 * The documents service's gRPC client (DocumentService: text extractions, AutoAI RAG experiments, a deployed RAG
 * pattern's prompt), registered in app.module.ts with the default deadline: creating a job checks its references and
 * queues it, the work itself runs in the service's jobs.
 */
export const DOCUMENTS_CLIENT = 'DOCUMENTS_CLIENT';
