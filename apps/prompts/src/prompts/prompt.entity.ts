import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export type InputMode = 'structured' | 'freeform' | 'chat' | 'detached';
export type LockType = 'edit' | 'governance';

/**
 * A prompt or prompt template of one project or space. The seed's nested documents are stored as they came (jsonb,
 * already checked); the lock is two columns, both set while a user holds it.
 */
@Entity({ name: 'prompts' })
export class PromptEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column({ name: 'project_id', type: 'uuid', nullable: true }) projectId!: string | null;
  @Column({ name: 'space_id', type: 'uuid', nullable: true }) spaceId!: string | null;
  @Column({ type: 'text' }) name!: string;
  @Column({ type: 'text', default: '' }) description!: string;
  /** The seed's `prompt` object (model_id, model_parameters, data, chat_items, external_information, …). */
  @Column({ type: 'jsonb' }) prompt!: Record<string, unknown>;
  @Column({ name: 'prompt_variables', type: 'jsonb', nullable: true }) promptVariables!: Record<string, unknown> | null;
  @Column({ name: 'model_version', type: 'jsonb', nullable: true }) modelVersion!: Record<string, unknown> | null;
  @Column({ name: 'task_ids', type: 'text', array: true, default: () => "'{}'" }) taskIds!: string[];
  @Column({ name: 'input_mode', type: 'text', nullable: true }) inputMode!: InputMode | null;
  @Column({ name: 'governance_tracked', type: 'boolean', default: false }) governanceTracked!: boolean;
  @Column({ name: 'lock_type', type: 'text', nullable: true }) lockType!: LockType | null;
  @Column({ name: 'locked_by', type: 'text', nullable: true }) lockedBy!: string | null;
  @Column({ name: 'created_by', type: 'text' }) createdBy!: string;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @Column({ name: 'last_updated_by', type: 'text' }) lastUpdatedBy!: string;
  @Column({ name: 'last_updated_at', type: 'timestamptz' }) lastUpdatedAt!: Date;
}
