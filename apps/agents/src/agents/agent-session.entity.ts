import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A conversation with an agent; `name` is the caller's session id ('' is the agent's default session). */
@Entity({ name: 'agent_sessions' })
export class AgentSessionEntity {
  @PrimaryColumn('uuid') id!: string;
  @Column({ name: 'agent_id', type: 'uuid' }) agentId!: string;
  @Column({ type: 'text' }) name!: string;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}
