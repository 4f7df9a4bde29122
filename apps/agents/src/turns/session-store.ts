import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { PlatformError } from '@platform/common';
import type { DataSource } from 'typeorm';
import { AgentSessionEntity } from '../agents/agent-session.entity';
import { AgentTurnEntity } from '../agents/agent-turn.entity';
import type { TurnResult } from './turn-loop';
import type { HistoryMessage } from './turn-types';

export const MAX_SESSION_ID_CHARS = 256;
/** Turns read back for a session's history: the model's context holds far fewer. */
export const MAX_HISTORY_TURNS = 200;

export interface SessionState {
  sessionId: string;
  /** Earlier turns' messages, oldest first. */
  history: HistoryMessage[][];
  /** Client-side tool calls the last turn stopped with. */
  pending: { id: string; name: string }[];
  nextSeq: number;
}

/** Sessions and their turns in PostgreSQL. */
@Injectable()
export class SessionStore {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async open(agentId: string, name: string): Promise<SessionState> {
    if (name.length > MAX_SESSION_ID_CHARS)
      throw PlatformError.invalid(`session_id is longer than ${MAX_SESSION_ID_CHARS} characters`, 'session_id');
    await this.db.query(
      'INSERT INTO agents.agent_sessions (id, agent_id, name, created_at) VALUES ($1, $2, $3, now()) ON CONFLICT (agent_id, name) DO NOTHING',
      [randomUUID(), agentId, name],
    );
    const session = await this.db.getRepository(AgentSessionEntity).findOneByOrFail({ agentId, name });
    const turns = await this.db.getRepository(AgentTurnEntity).find({
      where: { sessionId: session.id },
      order: { seq: 'DESC' },
      take: MAX_HISTORY_TURNS,
      select: { seq: true, status: true, messages: true },
    });
    turns.reverse();
    const last = turns.at(-1);
    return {
      sessionId: session.id,
      history: turns.map((t) => t.messages),
      pending: last?.status === 'awaiting_tool' ? pendingCalls(last.messages) : [],
      nextSeq: (last?.seq ?? 0) + 1,
    };
  }

  /** Stores the turn as the session's next; a turn that raced another one on the same session is refused. */
  async append(state: SessionState, result: TurnResult): Promise<void> {
    try {
      await this.db.query(
        'INSERT INTO agents.agent_turns (id, session_id, seq, status, turn, messages, created_at) VALUES ($1, $2, $3, $4, $5, $6, now())',
        [randomUUID(), state.sessionId, state.nextSeq, result.status, JSON.stringify(result.turn), JSON.stringify(result.added)],
      );
    } catch (err) {
      if ((err as { code?: string }).code === '23505')
        throw PlatformError.conflict('Another turn of this session finished first; execute the turn again.', 'session_id');
      throw err;
    }
  }
}

/** The assistant's calls in a turn that no tool message of the same turn answered. */
function pendingCalls(messages: HistoryMessage[]): { id: string; name: string }[] {
  const answered = new Set(messages.filter((m) => m.role === 'tool').map((m) => m.toolCallId));
  return messages.flatMap((m) => (m.toolCalls ?? []).filter((c) => !answered.has(c.id)).map((c) => ({ id: c.id, name: c.name })));
}
