import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Prompts and prompt templates. Prompt sessions have their own migration (sessions/). */
export class PromptsSchema1764800000700 implements MigrationInterface {
  name = 'PromptsSchema1764800000700';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE prompts.prompts (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        project_id uuid,
        space_id uuid,
        name text NOT NULL,
        description text NOT NULL DEFAULT '',
        prompt jsonb NOT NULL,
        prompt_variables jsonb,
        model_version jsonb,
        task_ids text[] NOT NULL DEFAULT '{}',
        input_mode text CHECK (input_mode IN ('structured', 'freeform', 'chat', 'detached')),
        governance_tracked boolean NOT NULL DEFAULT false,
        lock_type text CHECK (lock_type IN ('edit', 'governance')),
        locked_by text,
        created_by text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_updated_by text NOT NULL,
        last_updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT prompts_one_container CHECK ((project_id IS NULL) <> (space_id IS NULL)),
        -- Locked exactly when a lock type and its holder are both recorded.
        CONSTRAINT prompts_lock_whole CHECK ((lock_type IS NULL) = (locked_by IS NULL))
      )`);
    await q.query('CREATE INDEX prompts_project_idx ON prompts.prompts (project_id, created_at, id)');
    await q.query('CREATE INDEX prompts_space_idx ON prompts.prompts (space_id, created_at, id)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE prompts.prompts');
  }
}
