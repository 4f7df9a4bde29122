import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

export type RunKind = 'checkpoint' | 'model';
export type RunStatus = 'running' | 'evaluated' | 'failed';

/**
 * One evaluation of a checkpoint (`training.checkpoint.saved`) or of a trained model's candidates
 * (`training.job.trained`). The natural key (model, kind, object prefix) makes a redelivered or republished event
 * find its earlier run instead of evaluating twice.
 */
@Entity({ name: 'evaluation_runs' })
export class EvaluationRunEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column({ name: 'model_id', type: 'text' }) modelId!: string;
  @Column({ name: 'project_id', type: 'text' }) projectId!: string;
  @Column({ type: 'text' }) kind!: RunKind;
  @Column({ type: 'text' }) status!: RunStatus;
  @Column({ type: 'int' }) phase!: number;
  @Column({ type: 'int' }) epoch!: number;
  /** The checkpoint's prefix; `trained_models/<id>/` for a model run (its metrics name the chosen candidate). */
  @Column({ name: 'object_prefix', type: 'text' }) objectPrefix!: string;
  @Column({ name: 'natural_key', type: 'text' }) naturalKey!: string;
  @Column({ type: 'jsonb', nullable: true }) metrics!: Record<string, unknown> | null;
  @Column({ type: 'text', nullable: true }) reason!: string | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}
