import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { agentsV1, inferenceV1 } from '@platform/contracts';
import { AgentsConfig } from '../agents.config';
import { INFERENCE } from '../agents.tokens';
import { AgentsService } from '../agents/agents.service';
import { MemoryBankSearch } from '../memory-banks/memory-bank-search';
import { builtinTools } from '../tools/builtin-tools';
import type { MemorySearch } from '../tools/memory-tool';
import { DEFAULT_SANDBOX_LIMITS } from '../tools/sandbox/sandbox-limits';
import type { ExecutableTool } from '../tools/tool-types';
import { parseTurnHistory, parseTurnMessages } from './draft-messages';
import { grpcModelPort, type ModelPort } from './model-port';
import { SessionStore } from './session-store';
import { runTurn, type TurnDeps } from './turn-loop';

/** ExecuteTurn: the stored agent and session, one run of the turn loop streamed as the draft's chunks, the turn stored. */
@Injectable()
export class TurnsService {
  private readonly model: ModelPort;
  private readonly tools: ReadonlyMap<string, ExecutableTool>;
  private readonly memory: MemorySearch;

  constructor(
    @Inject(INFERENCE) inference: inferenceV1.InferenceServiceClient,
    @Inject(AgentsConfig.token) private readonly config: AgentsConfig,
    private readonly agents: AgentsService,
    private readonly sessions: SessionStore,
    search: MemoryBankSearch,
  ) {
    this.model = grpcModelPort(inference);
    this.memory = {
      search: (projectId, bankUuids, query, topK, signal) => search.query({ projectId, bankUuids, query, topK, signal }),
    };
    const s = config.sandbox;
    this.tools = builtinTools({
      memory: this.memory,
      sandbox: {
        limits: {
          ...DEFAULT_SANDBOX_LIMITS,
          cpuSeconds: s.cpuSeconds,
          memoryBytes: s.memoryMb * 1024 * 1024,
          processes: s.processes,
          wallMs: s.wallMs,
          outputBytes: s.outputBytes,
        },
        programs: { bwrap: s.bwrap, python: s.python },
      },
    });
  }

  async *execute(req: agentsV1.ExecuteTurnRequest, signal: AbortSignal): AsyncGenerator<agentsV1.ExecuteTurnResponse> {
    const agent = await this.agents.find(req.projectId, req.agentUuid);
    const messages = parseTurnMessages(req.messagesJson);
    const state = await this.sessions.open(agent.id, req.sessionId);
    const given = parseTurnHistory(req.turnHistoryJson);
    // The stored session is the history; a client's own turn_history seeds a session that has none yet.
    const history = state.history.length || given.length === 0 ? state.history : [given];
    const deps: TurnDeps = { model: this.model, tools: this.tools, memory: this.memory, limits: this.config.turns, newId: randomUUID };
    const turn = runTurn(
      { projectId: req.projectId, agent: agent.definition, history, pending: state.pending, messages, turnSeq: state.nextSeq },
      deps,
      signal,
    );
    for (;;) {
      const next = await turn.next();
      if (next.done) {
        await this.sessions.append(state, next.value);
        yield { chunkJson: '', turnJson: JSON.stringify(next.value.turn) };
        return;
      }
      yield { chunkJson: JSON.stringify(next.value), turnJson: '' };
    }
  }
}
