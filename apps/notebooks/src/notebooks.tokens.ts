/** The service's own schema (its tables). */
export const NOTEBOOKS_SCHEMA = 'notebooks';
/** `NotebookContent`: the `.ipynb` objects of notebooks and versions. */
export const NOTEBOOK_CONTENT = 'NOTEBOOK_CONTENT';
