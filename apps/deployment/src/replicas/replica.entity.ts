import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

export type ReplicaState = 'starting' | 'ready' | 'draining' | 'stopped' | 'failed';

/**
 * One model-server replica of a deployment, as its manager started it. The row is written before the replica is
 * announced and kept until it is stopped, so a keeper that takes over after a crash finds (and adopts, or replaces)
 * every replica the previous one left. Its id is the `replicaId` of the `deployment.replica.*` announcements.
 */
@Entity({ name: 'replicas' })
export class ReplicaEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column({ name: 'deployment_id', type: 'uuid' }) deploymentId!: string;
  /** The deployment rev this replica serves. */
  @Column({ type: 'int' }) rev!: number;
  /** process | kubernetes | external */
  @Column({ type: 'text' }) manager!: string;
  @Column({ type: 'text' }) state!: ReplicaState;
  /** What the manager needs to find the replica again (pid and port, Kubernetes names, …). */
  @Column({ type: 'jsonb', default: () => "'{}'" }) handle!: Record<string, unknown>;
  @Column({ type: 'text', nullable: true }) url!: string | null;
  /** openai | tgi */
  @Column({ type: 'text', default: 'openai' }) adapter!: string;
  /** The name the server serves the model under. */
  @Column({ name: 'backend_model', type: 'text', nullable: true }) backendModel!: string | null;
  @Column({ type: 'int', default: 0 }) restarts!: number;
  @Column({ name: 'last_error', type: 'text', nullable: true }) lastError!: string | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @Column({ name: 'ready_at', type: 'timestamptz', nullable: true }) readyAt!: Date | null;
  @Column({ name: 'stopped_at', type: 'timestamptz', nullable: true }) stoppedAt!: Date | null;
}
