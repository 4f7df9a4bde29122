import type { StorageContainer } from '@platform/common';
import type { RagResultEntry } from './evaluation';
import type { RagInputDocument } from './rag-experiment.entity';

/** What a pattern's notebooks are built from. */
export interface PatternNotebookInput {
  experimentId: string;
  container: StorageContainer;
  /** The pattern's entry of `results[]` (its settings and file locations). */
  entry: RagResultEntry;
  documents: readonly RagInputDocument[];
  /** The container's storage prefix: a document's path relative to the container is its key less this prefix. */
  storagePrefix: string;
  /** The question the inference notebook asks unless told another (the first test question). */
  sampleQuestion: string;
}

/** A pattern's indexing and inference notebooks, as `.ipynb` bytes. */
export type PatternNotebooks = (input: PatternNotebookInput) => { indexingNotebook: Buffer; inferenceNotebook: Buffer };
