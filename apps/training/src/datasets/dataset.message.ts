import type { trainingV1 } from '@platform/contracts';
import type { DatasetEntity } from './dataset.entity';

export function toDatasetMessage(d: DatasetEntity): trainingV1.Dataset {
  return {
    projectId: d.projectId,
    id: d.id,
    columns: d.columns,
    contentUrl: d.contentUrl,
    metadataJson: JSON.stringify(d.metadata),
    rowCount: d.rowCount,
    objectKey: d.objectKey,
    createdAt: d.createdAt,
    createdBy: d.createdBy,
  };
}
