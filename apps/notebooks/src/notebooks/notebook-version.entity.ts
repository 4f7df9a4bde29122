import { Column, Entity, PrimaryColumn } from 'typeorm';

/** An immutable snapshot of a notebook's content: inserted once, never updated, deleted with its object. */
@Entity({ name: 'notebook_versions' })
export class NotebookVersionEntity {
  @PrimaryColumn('uuid') id!: string;
  @Column({ name: 'notebook_id', type: 'uuid' }) notebookId!: string;
  @Column({ name: 'rev_id', type: 'int' }) revId!: number;
  @Column({ name: 'content_key', type: 'text' }) contentKey!: string;
  @Column({ name: 'content_size', type: 'int' }) contentSize!: number;
  @Column({ name: 'created_by', type: 'text' }) createdBy!: string;
  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' }) createdAt!: Date;
}
