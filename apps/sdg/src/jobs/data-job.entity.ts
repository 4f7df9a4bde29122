import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { SdgProgress, SdgRunResult } from '../pipelines/contract';
import type { DataJobStatus } from './data-job-status';

export interface DataJobOptions {
  numInstructions?: number;
  seed?: number;
}

@Entity({ name: 'data_jobs' })
export class DataJobEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column({ name: 'project_id', type: 'uuid' }) projectId!: string;
  @Column({ type: 'text' }) name!: string;
  @Column({ name: 'taxonomy_id', type: 'text' }) taxonomyId!: string;
  @Column({ type: 'text' }) status!: DataJobStatus;
  @Column({ type: 'text' }) state!: string;
  @Column({ name: 'teacher_model', type: 'text' }) teacherModel!: string;
  @Column({ name: 'judge_model', type: 'text' }) judgeModel!: string;
  @Column({ type: 'jsonb' }) options!: DataJobOptions;
  @Column({ name: 'created_by', type: 'text' }) createdBy!: string;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @Column({ name: 'started_at', type: 'timestamptz', nullable: true }) startedAt!: Date | null;
  @Column({ name: 'completed_at', type: 'timestamptz', nullable: true }) completedAt!: Date | null;
  /** Leaf path → samples kept (the seed's data_metrics.samples). */
  @Column({ type: 'jsonb' }) samples!: Record<string, number>;
  @Column({ type: 'jsonb', nullable: true }) tokens!: SdgRunResult['tokens'] | null;
  @Column({ type: 'jsonb', nullable: true }) progress!: SdgProgress | null;
  @Column({ name: 'failure_reason', type: 'text', nullable: true }) failureReason!: string | null;
  /** The worker running the job and until when its claim holds without a heartbeat. */
  @Column({ name: 'lease_owner', type: 'text', nullable: true }) leaseOwner!: string | null;
  @Column({ name: 'lease_expires_at', type: 'timestamptz', nullable: true }) leaseExpiresAt!: Date | null;
  @Column({ type: 'int' }) attempts!: number;
}
