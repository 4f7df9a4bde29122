/** The notebooks service's gRPC client (NotebookService), registered in app.module.ts. */
export const NOTEBOOK_CLIENT = 'NOTEBOOK_CLIENT';
