import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

export type ModelAssetType = 'custom_foundation_model_1.0' | 'fine_tune_1.0' | 'prompt_tune_1.0' | 'autoai_rag_pattern';
export type ContentImportState = 'running' | 'completed' | 'failed';

/**
 * A model asset (`/ml/v4/models`): a name for weights a deployment can serve. The weights are a Hugging Face style
 * directory in the bucket (`content_prefix`): a model of the model store (`custom_models/<model_id>/`), a training
 * job's result (`trained_models/<id>/…`), or a path the user named. An `autoai_rag_pattern` asset has no weights: it
 * names a pattern (`rag_pattern_name`) of an AutoAI RAG experiment (`training_id`), whose foundation model
 * (`base_model_id`) the inference service serves.
 */
@Entity({ name: 'model_assets' })
export class ModelAssetEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column({ name: 'project_id', type: 'uuid', nullable: true }) projectId!: string | null;
  @Column({ name: 'space_id', type: 'uuid', nullable: true }) spaceId!: string | null;
  @Column({ type: 'text' }) name!: string;
  @Column({ type: 'text', default: '' }) description!: string;
  @Column({ type: 'text', array: true, default: () => "'{}'" }) tags!: string[];
  @Column({ type: 'text' }) type!: ModelAssetType;
  @Column({ name: 'software_spec_name', type: 'text', default: '' }) softwareSpecName!: string;
  @Column({ name: 'foundation_model_id', type: 'text', nullable: true }) foundationModelId!: string | null;
  @Column({ name: 'training_id', type: 'text', nullable: true }) trainingId!: string | null;
  @Column({ name: 'content_location', type: 'jsonb', nullable: true }) contentLocation!: Record<string, unknown> | null;
  /** The bucket prefix of the weights' directory, ending with "/"; empty for an AutoAI RAG pattern. */
  @Column({ name: 'content_prefix', type: 'text' }) contentPrefix!: string;
  @Column({ name: 'base_model_id', type: 'text', default: '' }) baseModelId!: string;
  @Column({ name: 'content_import_state', type: 'text', default: 'completed' }) contentImportState!: ContentImportState;
  @Column({ type: 'jsonb', nullable: true }) custom!: Record<string, unknown> | null;
  /** An `autoai_rag_pattern` asset's pattern: its `name` in the experiment's results. */
  @Column({ name: 'rag_pattern_name', type: 'text', nullable: true }) ragPatternName!: string | null;
  @Column({ name: 'created_by', type: 'text' }) createdBy!: string;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @Column({ name: 'modified_at', type: 'timestamptz', default: () => 'now()' }) modifiedAt!: Date;
}
