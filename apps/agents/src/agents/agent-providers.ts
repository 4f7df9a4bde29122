import type { Provider } from '@nestjs/common';
import { SessionStore } from '../turns/session-store';
import { TurnsService } from '../turns/turns.service';
import { AgentSessionEntity } from './agent-session.entity';
import { AgentTurnEntity } from './agent-turn.entity';
import { AgentEntity } from './agent.entity';
import { AgentsService } from './agents.service';

export { AgentsGrpcController } from './agents.grpc-controller';
export { AgentsSessionsTurns1765000001000 } from '../migrations/1765000001000-agents-sessions-turns';

/** Agentic systems: agents, sessions and turns (the turn loop and its tools). */
export const agentProviders: Provider[] = [AgentsService, SessionStore, TurnsService];
export const agentEntities = [AgentEntity, AgentSessionEntity, AgentTurnEntity];
