import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A memory bank of a project: `bankUuid` is the caller's (unique per project), `id` the service's. */
@Entity({ name: 'memory_banks' })
export class MemoryBankEntity {
  @PrimaryColumn('uuid') id!: string;
  @Column({ name: 'project_id', type: 'text' }) projectId!: string;
  @Column({ name: 'bank_uuid', type: 'text' }) bankUuid!: string;
  @Column({ type: 'text' }) name!: string;
  /** The model that chunks and embeds its documents and its queries, fixed when the bank is created. */
  @Column({ name: 'embedding_model', type: 'text' }) embeddingModel!: string;
  @Column({ name: 'created_by', type: 'text' }) createdBy!: string;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}
