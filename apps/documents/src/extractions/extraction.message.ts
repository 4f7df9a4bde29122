import type { documentsV1 } from '@platform/contracts';
import type { ExtractionEntity } from './extraction.entity';

export function toExtractionMessage(row: ExtractionEntity): documentsV1.Extraction {
  return {
    id: row.id,
    projectId: row.projectId ?? '',
    spaceId: row.spaceId ?? '',
    name: row.name,
    createdBy: row.createdBy,
    createdAt: row.createdAt,
    requestJson: JSON.stringify(row.request),
    results: {
      status: row.state,
      numberPagesProcessed: row.pagesProcessed,
      totalPages: row.totalPages,
      runningAt: row.runningAt ?? undefined,
      completedAt: row.completedAt ?? undefined,
      error: row.state === 'failed' ? { code: row.errorCode || 'extraction_failed', message: row.failureReason } : undefined,
      locations: row.locations,
    },
  };
}
