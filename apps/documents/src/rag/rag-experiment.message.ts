import type { documentsV1 } from '@platform/contracts';
import type { RagExperimentEntity } from './rag-experiment.entity';

/** A stored experiment as the contract's message: the request as given (locations filled in), results best first, status. */
export function toRagExperimentMessage(row: RagExperimentEntity): documentsV1.RagExperiment {
  return {
    id: row.id,
    projectId: row.projectId ?? '',
    spaceId: row.spaceId ?? '',
    name: row.name,
    description: row.description,
    tags: row.tags,
    createdBy: row.createdBy,
    createdAt: row.createdAt,
    requestJson: JSON.stringify(row.request),
    resultsJson: JSON.stringify(row.results),
    status: {
      state: row.state,
      step: row.step,
      messageLevel: row.messageLevel,
      messageText: row.messageText,
      runningAt: row.runningAt ?? undefined,
      completedAt: row.completedAt ?? undefined,
      failureCode: row.state === 'failed' ? row.failureCode || 'autoai_rag_failed' : '',
    },
  };
}
