import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** The Llama Stack draft's column types (`Dataset.columns`). */
export const DATASET_COLUMN_TYPES = ['dialog', 'text', 'media', 'number', 'json'] as const;
export type DatasetColumnType = (typeof DATASET_COLUMN_TYPES)[number];

const bigintNumber = { to: (v: number) => v, from: (v: string | number) => Number(v) };

/** A Llama Stack dataset of a project: its definition here, its rows as JSONL at `objectKey` in the bucket. */
@Entity({ name: 'datasets' })
export class DatasetEntity {
  @PrimaryColumn({ name: 'project_id', type: 'uuid' }) projectId!: string;
  /** The caller's `uuid` (any string of the dataset-id alphabet, unique per project). */
  @PrimaryColumn({ type: 'text' }) id!: string;
  @Column({ type: 'jsonb' }) columns!: Record<string, DatasetColumnType>;
  /** As the caller gave it; the rows were copied from it when the dataset was created. */
  @Column({ name: 'content_url', type: 'text' }) contentUrl!: string;
  @Column({ type: 'jsonb' }) metadata!: Record<string, unknown>;
  @Column({ name: 'row_count', type: 'bigint', transformer: bigintNumber }) rowCount!: number;
  /** `datasets/<project_id>/<id>/rows.jsonl` (datasetRowsKey). */
  @Column({ name: 'object_key', type: 'text' }) objectKey!: string;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @Column({ name: 'created_by', type: 'text' }) createdBy!: string;
}
