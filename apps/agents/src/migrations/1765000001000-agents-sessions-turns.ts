import type { MigrationInterface, QueryRunner } from 'typeorm';

export class AgentsSessionsTurns1765000001000 implements MigrationInterface {
  name = 'AgentsSessionsTurns1765000001000';

  async up(q: QueryRunner): Promise<void> {
    // agent_uuid is the caller's name for the agent; id names it everywhere else, so an agent deleted and created
    // again under the same uuid starts with no sessions.
    await q.query(`
      CREATE TABLE agents.agents (
        id uuid PRIMARY KEY,
        project_id text NOT NULL,
        agent_uuid text NOT NULL,
        definition jsonb NOT NULL,
        created_by text NOT NULL DEFAULT '',
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT agents_uuid_unique UNIQUE (project_id, agent_uuid)
      )`);
    await q.query(`
      CREATE TABLE agents.agent_sessions (
        id uuid PRIMARY KEY,
        agent_id uuid NOT NULL REFERENCES agents.agents (id) ON DELETE CASCADE,
        name text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT agent_sessions_name_unique UNIQUE (agent_id, name)
      )`);
    await q.query(`
      CREATE TABLE agents.agent_turns (
        id uuid PRIMARY KEY,
        session_id uuid NOT NULL REFERENCES agents.agent_sessions (id) ON DELETE CASCADE,
        seq integer NOT NULL,
        status text NOT NULL,
        turn jsonb NOT NULL,
        messages jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT agent_turns_seq_unique UNIQUE (session_id, seq)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE agents.agent_turns');
    await q.query('DROP TABLE agents.agent_sessions');
    await q.query('DROP TABLE agents.agents');
  }
}
