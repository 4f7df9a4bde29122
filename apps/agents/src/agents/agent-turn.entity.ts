import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { AgenticSystemTurn, HistoryMessage, TurnStatus } from '../turns/turn-types';

/** One executed turn: the draft's turn as answered, and the messages it added to the session's history. */
@Entity({ name: 'agent_turns' })
export class AgentTurnEntity {
  @PrimaryColumn('uuid') id!: string;
  @Column({ name: 'session_id', type: 'uuid' }) sessionId!: string;
  /** 1, 2, … within the session. */
  @Column({ type: 'integer' }) seq!: number;
  @Column({ type: 'text' }) status!: TurnStatus;
  @Column({ type: 'jsonb' }) turn!: AgenticSystemTurn;
  @Column({ type: 'jsonb' }) messages!: HistoryMessage[];
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}
