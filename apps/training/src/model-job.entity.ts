import type { ModelMetrics } from '@platform/events';
import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { ResolvedHyperparameters } from './hyperparameters';
import type { StoredTuning } from './tunings/stored-tuning';

export type ModelJobStatus = 'queued' | 'running' | 'completed' | 'canceled' | 'failed';
/** Which surface made the job: InstructLab multiphase runs, or a tuning (see tunings/). */
export type ModelJobKind = 'instructlab' | 'fine_tuning' | 'prompt_tuning' | 'post_training';
export const MODEL_JOB_KINDS: readonly ModelJobKind[] = ['instructlab', 'fine_tuning', 'prompt_tuning', 'post_training'];
export const FINAL_STATUSES: readonly ModelJobStatus[] = ['completed', 'canceled', 'failed'];

/** One epoch checkpoint in the bucket; global steps let a resumed run continue the schedule. */
export interface StoredCheckpoint {
  phase: 1 | 2;
  epoch: number;
  objectPrefix: string;
  globalStep: number;
  totalSteps: number;
}

export interface StoredProgress {
  phase: number;
  epoch: number;
  epochs: number;
  step: number;
  loss: number;
  tokensPerSecond: number;
}

export interface StoredTokens {
  estimated: number;
  phase1: number;
  phase2: number;
}

const bigintNumber = { to: (v: number) => v, from: (v: string | number) => Number(v) };

@Entity({ name: 'model_jobs' })
export class ModelJobEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column({ type: 'text', default: 'instructlab' }) kind!: ModelJobKind;
  /** Exactly one of project_id and space_id is set; InstructLab jobs always belong to a project. */
  @Column({ name: 'project_id', type: 'uuid', nullable: true }) projectId!: string | null;
  @Column({ name: 'space_id', type: 'uuid', nullable: true }) spaceId!: string | null;
  @Column({ type: 'text' }) name!: string;
  @Column({ type: 'text', default: '' }) description!: string;
  @Column({ type: 'jsonb', default: () => "'[]'" }) tags!: string[];
  @Column({ name: 'base_model', type: 'text' }) baseModel!: string;
  /** The SDG run an InstructLab job trains on; null for tunings (their data: `tuning`). */
  @Column({ name: 'data_id', type: 'uuid', nullable: true }) dataId!: string | null;
  @Column({ name: 'taxonomy_id', type: 'text' }) taxonomyId!: string;
  @Column({ type: 'text' }) status!: ModelJobStatus;
  @Column({ type: 'text', default: '' }) state!: string;
  @Column({ name: 'failure_reason', type: 'text', default: '' }) failureReason!: string;
  @Column({ name: 'created_by', type: 'text' }) createdBy!: string;
  @Column({ type: 'text' }) executor!: string;
  @Column({ type: 'jsonb' }) hyperparameters!: ResolvedHyperparameters;
  @Column({ type: 'jsonb', nullable: true }) progress!: StoredProgress | null;
  @Column({ type: 'jsonb', default: () => "'[]'" }) checkpoints!: StoredCheckpoint[];
  @Column({ name: 'best_checkpoint', type: 'jsonb', nullable: true }) bestCheckpoint!: StoredCheckpoint | null;
  /** The evaluation service's verdict, as `evaluation.model.evaluated` carried it (checked by the catalog's parser). */
  @Column({ name: 'eval_metrics', type: 'jsonb', nullable: true }) evalMetrics!: ModelMetrics | null;
  @Column({ name: 'tokens_estimated', type: 'bigint', default: 0, transformer: bigintNumber }) tokensEstimated!: number;
  @Column({ name: 'tokens_phase1', type: 'bigint', default: 0, transformer: bigintNumber }) tokensPhase1!: number;
  @Column({ name: 'tokens_phase2', type: 'bigint', default: 0, transformer: bigintNumber }) tokensPhase2!: number;
  /** Everything a tuning adds to the job (null for InstructLab jobs). */
  @Column({ type: 'jsonb', nullable: true }) tuning!: StoredTuning | null;
  /** How many times a worker picked the job up; more than one means it resumed after a crash. */
  @Column({ type: 'int', default: 0 }) attempts!: number;
  /** The worker running the job and until when its claim holds without a heartbeat (see @platform/jobs). */
  @Column({ name: 'lease_owner', type: 'text', nullable: true }) leaseOwner!: string | null;
  @Column({ name: 'lease_expires_at', type: 'timestamptz', nullable: true }) leaseExpiresAt!: Date | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @Column({ name: 'running_at', type: 'timestamptz', nullable: true }) runningAt!: Date | null;
  @Column({ name: 'completed_at', type: 'timestamptz', nullable: true }) completedAt!: Date | null;
  @Column({ name: 'modified_at', type: 'timestamptz', default: () => 'now()' }) modifiedAt!: Date;
}
