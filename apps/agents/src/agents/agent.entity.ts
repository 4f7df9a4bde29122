import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { AgentDefinition } from './agent-definition';

/** An agentic system of a project: `agentUuid` is the caller's (the draft's `uuid`, unique per project). */
@Entity({ name: 'agents' })
export class AgentEntity {
  @PrimaryColumn('uuid') id!: string;
  @Column({ name: 'project_id', type: 'text' }) projectId!: string;
  @Column({ name: 'agent_uuid', type: 'text' }) agentUuid!: string;
  /** The validated definition each turn runs (instructions, model, tools, banks, shields). */
  @Column({ type: 'jsonb' }) definition!: AgentDefinition;
  @Column({ name: 'created_by', type: 'text' }) createdBy!: string;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}
