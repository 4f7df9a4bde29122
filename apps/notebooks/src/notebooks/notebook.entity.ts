import { Column, Entity, PrimaryColumn } from 'typeorm';

/** `entity.notebook.kernel` of the seed. */
export interface NotebookKernel {
  display_name?: string;
  name?: string;
  language?: string;
}

/** `entity.runtime` of the seed. */
export interface NotebookRuntime {
  environment?: string;
  spark_monitoring_enabled?: boolean;
}

/** `entity.notebook.originates_from` of the seed: a blank notebook or a copy of another. */
export interface NotebookOrigin {
  type: 'blank' | 'notebook';
  guid?: string;
}

/**
 * A notebook of a project or space. Its current `.ipynb` is one object (`content_key`), replaced whole on every change
 * of content: a new object is written first and the row then points at it, so a reader never sees a half-written file.
 */
@Entity({ name: 'notebooks' })
export class NotebookEntity {
  @PrimaryColumn('uuid') id!: string;
  @Column({ name: 'project_id', type: 'uuid', nullable: true }) projectId!: string | null;
  @Column({ name: 'space_id', type: 'uuid', nullable: true }) spaceId!: string | null;
  @Column({ type: 'text' }) name!: string;
  @Column({ type: 'text', default: '' }) description!: string;
  @Column({ type: 'text', array: true, default: () => "'{}'" }) tags!: string[];
  @Column({ type: 'jsonb', nullable: true }) kernel!: NotebookKernel | null;
  @Column({ type: 'jsonb', nullable: true }) runtime!: NotebookRuntime | null;
  @Column({ name: 'originates_from', type: 'jsonb' }) originatesFrom!: NotebookOrigin;
  @Column({ name: 'owner_id', type: 'text' }) ownerId!: string;
  @Column({ name: 'content_key', type: 'text' }) contentKey!: string;
  @Column({ name: 'content_size', type: 'int' }) contentSize!: number;
  @Column({ type: 'int', default: 1 }) revision!: number;
  /** The rev_id of the newest version ever made; the next one gets +1, so rev ids are never reused. */
  @Column({ name: 'last_rev_id', type: 'int', default: 0 }) lastRevId!: number;
  @Column({ name: 'reverted_to_version_id', type: 'uuid', nullable: true }) revertedToVersionId!: string | null;
  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' }) createdAt!: Date;
  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' }) updatedAt!: Date;
}
