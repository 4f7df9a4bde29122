import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export type EntryInputMode = 'structured' | 'freeform' | 'chat';

/**
 * One prompt kept in a session: a snapshot of the prompt as it was tried, never changed afterwards except that chat
 * items may be appended to its `prompt.chat_items`. Deleting the session deletes its entries (ON DELETE CASCADE).
 */
@Entity({ name: 'prompt_session_entries' })
export class PromptSessionEntryEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column({ name: 'session_id', type: 'uuid' }) sessionId!: string;
  @Column({ type: 'text' }) name!: string;
  @Column({ type: 'text', default: '' }) description!: string;
  /** The seed's `prompt` object (model_id, model_parameters, data, chat_items, …), checked as a prompt's. */
  @Column({ type: 'jsonb' }) prompt!: Record<string, unknown>;
  @Column({ name: 'prompt_variables', type: 'jsonb', nullable: true }) promptVariables!: Record<string, unknown> | null;
  @Column({ name: 'is_template', type: 'boolean', default: false }) isTemplate!: boolean;
  @Column({ name: 'input_mode', type: 'text', nullable: true }) inputMode!: EntryInputMode | null;
  @Column({ name: 'model_version', type: 'jsonb', nullable: true }) modelVersion!: Record<string, unknown> | null;
  /** When the prompt was tried (the client's time, else the server's): the order of the entries, newest first. */
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @Column({ name: 'created_by', type: 'text' }) createdBy!: string;
  @Column({ name: 'last_updated_by', type: 'text' }) lastUpdatedBy!: string;
  @Column({ name: 'last_updated_at', type: 'timestamptz' }) lastUpdatedAt!: Date;
}
