import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A document of a bank: its current version's object and its live generation in the retrieval index. */
@Entity({ name: 'memory_bank_documents' })
export class MemoryBankDocumentEntity {
  @PrimaryColumn({ name: 'bank_id', type: 'uuid' }) bankId!: string;
  @PrimaryColumn({ name: 'document_uuid', type: 'text' }) documentUuid!: string;
  @Column({ name: 'mime_type', type: 'text' }) mimeType!: string;
  @Column({ type: 'jsonb' }) metadata!: Record<string, unknown>;
  @Column({ name: 'size_bytes', type: 'integer' }) sizeBytes!: number;
  @Column({ name: 'object_key', type: 'text' }) objectKey!: string;
  @Column({ type: 'uuid' }) generation!: string;
  @Column({ name: 'chunk_count', type: 'integer' }) chunkCount!: number;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @Column({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}
