import { buildIndexingNotebook } from './evaluation/indexing-notebook';
import { buildInferenceNotebook } from './evaluation/inference-notebook';
import { notebookBytes } from './evaluation/notebook-document';
import type { PatternNotebooks } from './pattern-notebooks';

/** The evaluation's notebook builders over an experiment's row: documents by their paths in the container's storage. */
export const ragPatternNotebooks: PatternNotebooks = (input) => ({
  indexingNotebook: notebookBytes(
    buildIndexingNotebook({
      experimentId: input.experimentId,
      container: input.container,
      entry: input.entry,
      documents: input.documents.map((d) => ({
        documentId: d.documentId,
        path: d.key.startsWith(input.storagePrefix) ? d.key.slice(input.storagePrefix.length) : d.key,
      })),
    }),
  ),
  inferenceNotebook: notebookBytes(
    buildInferenceNotebook({
      experimentId: input.experimentId,
      container: input.container,
      entry: input.entry,
      sampleQuestion: input.sampleQuestion,
    }),
  ),
});
