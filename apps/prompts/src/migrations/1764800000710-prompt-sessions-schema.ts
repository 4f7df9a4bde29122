import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Prompt sessions and their entries (sessions/). */
export class PromptSessionsSchema1764800000710 implements MigrationInterface {
  name = 'PromptSessionsSchema1764800000710';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE prompts.prompt_sessions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        project_id uuid NOT NULL,
        name text NOT NULL,
        description text NOT NULL DEFAULT '',
        lock_type text CHECK (lock_type IN ('edit', 'governance')),
        locked_by text,
        created_by text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_updated_by text NOT NULL,
        last_updated_at timestamptz NOT NULL DEFAULT now(),
        -- Locked exactly when a lock type and its holder are both recorded.
        CONSTRAINT prompt_sessions_lock_whole CHECK ((lock_type IS NULL) = (locked_by IS NULL))
      )`);
    await q.query('CREATE INDEX prompt_sessions_project_idx ON prompts.prompt_sessions (project_id, created_at, id)');

    await q.query(`
      CREATE TABLE prompts.prompt_session_entries (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        session_id uuid NOT NULL REFERENCES prompts.prompt_sessions (id) ON DELETE CASCADE,
        name text NOT NULL,
        description text NOT NULL DEFAULT '',
        prompt jsonb NOT NULL,
        prompt_variables jsonb,
        is_template boolean NOT NULL DEFAULT false,
        input_mode text CHECK (input_mode IN ('structured', 'freeform', 'chat')),
        model_version jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        created_by text NOT NULL,
        last_updated_by text NOT NULL,
        last_updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    // The entries' list order (newest first) and the most recent entry of GET with prefetch.
    await q.query('CREATE INDEX prompt_session_entries_session_idx ON prompts.prompt_session_entries (session_id, created_at, id)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE prompts.prompt_session_entries');
    await q.query('DROP TABLE prompts.prompt_sessions');
  }
}
