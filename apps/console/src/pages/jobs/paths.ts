/** The jobs pages' routes (under the router's /ui basename), named once for the route table and the links. */
export const JOBS_PATH = '/jobs';
export const dataJobPath = (id: string) => `/jobs/data/${id}`;
export const modelJobPath = (id: string) => `/jobs/models/${id}`;
export const NEW_DATA_JOB_PATH = '/jobs/data/new';
export const newModelJobPath = (dataId?: string) =>
  dataId ? `/jobs/models/new?data_id=${encodeURIComponent(dataId)}` : '/jobs/models/new';
