import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { LockType } from '../prompts/prompt.entity';

/**
 * A prompt session: the history of a user's prompt experiments in one project (the seed names no space target for
 * sessions). Its lock is two columns, both set while a user holds it, as a prompt's; its entries are rows of their own.
 */
@Entity({ name: 'prompt_sessions' })
export class PromptSessionEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column({ name: 'project_id', type: 'uuid' }) projectId!: string;
  @Column({ type: 'text' }) name!: string;
  @Column({ type: 'text', default: '' }) description!: string;
  @Column({ name: 'lock_type', type: 'text', nullable: true }) lockType!: LockType | null;
  @Column({ name: 'locked_by', type: 'text', nullable: true }) lockedBy!: string | null;
  @Column({ name: 'created_by', type: 'text' }) createdBy!: string;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @Column({ name: 'last_updated_by', type: 'text' }) lastUpdatedBy!: string;
  @Column({ name: 'last_updated_at', type: 'timestamptz' }) lastUpdatedAt!: Date;
}
