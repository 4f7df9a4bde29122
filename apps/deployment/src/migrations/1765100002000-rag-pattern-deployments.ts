import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * AutoAI RAG patterns as model assets and deployments: the asset names its pattern (its experiment is `training_id`),
 * the deployment keeps both so its text routes know which prompt to ask the documents service for.
 */
export class RagPatternDeployments1765100002000 implements MigrationInterface {
  name = 'RagPatternDeployments1765100002000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE deployment.model_assets ADD COLUMN rag_pattern_name text');
    await q.query('ALTER TABLE deployment.deployments ADD COLUMN rag_experiment_id text, ADD COLUMN rag_pattern_name text');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE deployment.deployments DROP COLUMN rag_experiment_id, DROP COLUMN rag_pattern_name');
    await q.query('ALTER TABLE deployment.model_assets DROP COLUMN rag_pattern_name');
  }
}
