import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

export type DeploymentState = 'initializing' | 'updating' | 'ready' | 'failed';
/** The job-runner status of the deployment's keeper (see @platform/jobs): queued until a worker runs its replicas. */
export type DeploymentJobStatus = 'queued' | 'running' | 'completed' | 'failed';
export type DeployedAssetType = 'prompt_tune' | 'foundation_model' | 'custom_foundation_model' | 'fine_tune' | 'autoai_rag_pattern';

export interface HardwareSpecRef {
  id?: string;
  name?: string;
  num_nodes?: number;
}

export interface HardwareRequestRef {
  size?: string;
  num_nodes?: number;
}

/**
 * An online deployment: what the user asked for (the seed's fields), its status, and the desired state its keeper
 * (a long job of the job runner, one per deployment) converges the replicas to. `rev` changes with every update that
 * needs new replicas (asset, hardware, replica count); replicas of an older rev are drained once the new ones are ready.
 * A deleted deployment keeps its row (`deleted_at`) until its keeper has removed every replica.
 */
@Entity({ name: 'deployments' })
export class DeploymentEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column({ name: 'project_id', type: 'uuid', nullable: true }) projectId!: string | null;
  @Column({ name: 'space_id', type: 'uuid', nullable: true }) spaceId!: string | null;
  @Column({ type: 'text' }) name!: string;
  @Column({ type: 'text', default: '' }) description!: string;
  @Column({ type: 'text', array: true, default: () => "'{}'" }) tags!: string[];
  @Column({ type: 'jsonb', nullable: true }) custom!: Record<string, unknown> | null;
  @Column({ name: 'asset_id', type: 'uuid', nullable: true }) assetId!: string | null;
  @Column({ name: 'prompt_template_id', type: 'text', nullable: true }) promptTemplateId!: string | null;
  @Column({ name: 'base_model_id', type: 'text', nullable: true }) baseModelId!: string | null;
  @Column({ name: 'base_deployment_id', type: 'uuid', nullable: true }) baseDeploymentId!: string | null;
  /** Unique among deployments not deleted. */
  @Column({ name: 'serving_name', type: 'text', nullable: true }) servingName!: string | null;
  @Column({ name: 'online_parameters', type: 'jsonb', nullable: true }) onlineParameters!: Record<string, unknown> | null;
  @Column({ name: 'hardware_spec', type: 'jsonb', nullable: true }) hardwareSpec!: HardwareSpecRef | null;
  @Column({ name: 'hardware_request', type: 'jsonb', nullable: true }) hardwareRequest!: HardwareRequestRef | null;
  @Column({ name: 'deployed_asset_type', type: 'text' }) deployedAssetType!: DeployedAssetType;
  @Column({ type: 'text' }) state!: DeploymentState;
  @Column({ name: 'status_message', type: 'text', nullable: true }) statusMessage!: string | null;
  @Column({ name: 'failure_code', type: 'text', nullable: true }) failureCode!: string | null;
  @Column({ name: 'failure_message', type: 'text', nullable: true }) failureMessage!: string | null;

  // Desired state of the replicas.
  /** Bumped by every update that needs new replicas; replicas record the rev they serve. */
  @Column({ type: 'int', default: 1 }) rev!: number;
  @Column({ type: 'int', default: 1 }) replicas!: number;
  /** The bucket prefix of the Hugging Face style directory to serve (ends with "/"); empty: served by the base deployment. */
  @Column({ name: 'model_prefix', type: 'text', default: '' }) modelPrefix!: string;
  /** The resolved hardware spec id (WX-S … WX-XL, PLATFORM-CPU) the replicas run with. */
  @Column({ name: 'hardware_profile', type: 'text', default: 'PLATFORM-CPU' }) hardwareProfile!: string;
  /** The model id the inference service routes to (`deployments/<id>`, the base deployment's, or a foundation model). */
  @Column({ name: 'model_id', type: 'text' }) modelId!: string;
  /** A deployed AutoAI RAG pattern's experiment and pattern name (from its asset), which its text routes ask for prompts. */
  @Column({ name: 'rag_experiment_id', type: 'text', nullable: true }) ragExperimentId!: string | null;
  @Column({ name: 'rag_pattern_name', type: 'text', nullable: true }) ragPatternName!: string | null;

  /** A temporary deployment (evaluation's checkpoint replicas): hidden from lists, deleted once `expires_at` passes. */
  @Column({ type: 'boolean', default: false }) temporary!: boolean;
  @Column({ name: 'lease_ms', type: 'int', nullable: true }) leaseMs!: number | null;
  @Column({ name: 'expires_at', type: 'timestamptz', nullable: true }) expiresAt!: Date | null;
  @Column({ name: 'deleted_at', type: 'timestamptz', nullable: true }) deletedAt!: Date | null;

  @Column({ name: 'created_by', type: 'text' }) createdBy!: string;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @Column({ name: 'modified_at', type: 'timestamptz', default: () => 'now()' }) modifiedAt!: Date;

  // The keeper job (@platform/jobs JobTable columns).
  @Column({ type: 'text' }) status!: DeploymentJobStatus;
  @Column({ type: 'int', default: 0 }) attempts!: number;
  @Column({ name: 'lease_owner', type: 'text', nullable: true }) leaseOwner!: string | null;
  @Column({ name: 'lease_expires_at', type: 'timestamptz', nullable: true }) leaseExpiresAt!: Date | null;
  @Column({ name: 'failure_reason', type: 'text', nullable: true }) failureReason!: string | null;
  @Column({ name: 'completed_at', type: 'timestamptz', nullable: true }) completedAt!: Date | null;
}
