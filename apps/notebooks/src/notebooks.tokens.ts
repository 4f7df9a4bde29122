/** The service's own schema (its tables). */
export const NOTEBOOKS_SCHEMA = 'notebooks';
