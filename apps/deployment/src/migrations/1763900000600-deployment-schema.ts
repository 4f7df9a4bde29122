import type { MigrationInterface, QueryRunner } from 'typeorm';

export class DeploymentSchema1763900000600 implements MigrationInterface {
  name = 'DeploymentSchema1763900000600';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE deployment.model_assets (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        project_id uuid,
        space_id uuid,
        name text NOT NULL,
        description text NOT NULL DEFAULT '',
        tags text[] NOT NULL DEFAULT '{}',
        type text NOT NULL,
        software_spec_name text NOT NULL DEFAULT '',
        foundation_model_id text,
        training_id text,
        content_location jsonb,
        content_prefix text NOT NULL,
        base_model_id text NOT NULL DEFAULT '',
        content_import_state text NOT NULL DEFAULT 'completed' CHECK (content_import_state IN ('running', 'completed', 'failed')),
        custom jsonb,
        created_by text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        modified_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT model_assets_one_container CHECK ((project_id IS NULL) <> (space_id IS NULL))
      )`);
    await q.query('CREATE INDEX model_assets_project_idx ON deployment.model_assets (project_id, created_at, id)');
    await q.query('CREATE INDEX model_assets_space_idx ON deployment.model_assets (space_id, created_at, id)');

    await q.query(`
      CREATE TABLE deployment.deployments (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        project_id uuid,
        space_id uuid,
        name text NOT NULL,
        description text NOT NULL DEFAULT '',
        tags text[] NOT NULL DEFAULT '{}',
        custom jsonb,
        asset_id uuid,
        prompt_template_id text,
        base_model_id text,
        base_deployment_id uuid,
        serving_name text,
        online_parameters jsonb,
        hardware_spec jsonb,
        hardware_request jsonb,
        deployed_asset_type text NOT NULL,
        state text NOT NULL CHECK (state IN ('initializing', 'updating', 'ready', 'failed')),
        status_message text,
        failure_code text,
        failure_message text,
        rev int NOT NULL DEFAULT 1,
        replicas int NOT NULL DEFAULT 1 CHECK (replicas >= 0),
        model_prefix text NOT NULL DEFAULT '',
        hardware_profile text NOT NULL DEFAULT 'PLATFORM-CPU',
        model_id text NOT NULL,
        temporary boolean NOT NULL DEFAULT false,
        lease_ms int,
        expires_at timestamptz,
        deleted_at timestamptz,
        created_by text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        modified_at timestamptz NOT NULL DEFAULT now(),
        status text NOT NULL CHECK (status IN ('queued', 'running', 'completed', 'failed')),
        attempts int NOT NULL DEFAULT 0,
        lease_owner text,
        lease_expires_at timestamptz,
        failure_reason text,
        completed_at timestamptz,
        CONSTRAINT deployments_container CHECK (temporary OR ((project_id IS NULL) <> (space_id IS NULL)))
      )`);
    // Serving names are global (the URL /ml/v1/deployments/{serving_name} names no container); a deleted
    // deployment frees its name at once, while its keeper still drains the replicas.
    await q.query('CREATE UNIQUE INDEX deployments_serving_name ON deployment.deployments (serving_name) WHERE deleted_at IS NULL');
    await q.query('CREATE INDEX deployments_project_idx ON deployment.deployments (project_id, created_at, id) WHERE deleted_at IS NULL');
    await q.query('CREATE INDEX deployments_space_idx ON deployment.deployments (space_id, created_at, id) WHERE deleted_at IS NULL');
    await q.query('CREATE INDEX deployments_asset_idx ON deployment.deployments (asset_id)');

    await q.query(`
      CREATE TABLE deployment.replicas (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        deployment_id uuid NOT NULL REFERENCES deployment.deployments (id) ON DELETE CASCADE,
        rev int NOT NULL,
        manager text NOT NULL,
        state text NOT NULL CHECK (state IN ('starting', 'ready', 'draining', 'stopped', 'failed')),
        handle jsonb NOT NULL DEFAULT '{}',
        url text,
        adapter text NOT NULL DEFAULT 'openai',
        backend_model text,
        restarts int NOT NULL DEFAULT 0,
        last_error text,
        created_at timestamptz NOT NULL DEFAULT now(),
        ready_at timestamptz,
        stopped_at timestamptz
      )`);
    await q.query("CREATE INDEX replicas_live_idx ON deployment.replicas (deployment_id) WHERE state <> 'stopped'");
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE deployment.replicas');
    await q.query('DROP TABLE deployment.deployments');
    await q.query('DROP TABLE deployment.model_assets');
  }
}
