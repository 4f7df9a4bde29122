import { Controller } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import type { Metadata } from '@grpc/grpc-js';
import { agentsV1 } from '@platform/contracts';
import { callSignal, childSignal } from '@platform/common';
import { Observable } from 'rxjs';
import { TurnsService } from '../turns/turns.service';
import { AgentsService } from './agents.service';

const SERVICE = agentsV1.AGENT_SERVICE_NAME;

/** The agents' methods this controller serves; the memory banks' are MemoryBanksGrpcController's. */
type AgentMethods = Pick<agentsV1.AgentServiceController, 'createAgent' | 'deleteAgent' | 'executeTurn'>;

/** `agents.v1.AgentService`, its agentic-system half: the gateway's `/agentic_system/*` routes. */
@Controller()
export class AgentsGrpcController implements AgentMethods {
  constructor(
    private readonly agents: AgentsService,
    private readonly turns: TurnsService,
  ) {}

  @GrpcMethod(SERVICE, 'createAgent')
  async createAgent(req: agentsV1.CreateAgentRequest): Promise<agentsV1.CreateAgentResponse> {
    return { agentUuid: (await this.agents.create(req)).agentUuid };
  }

  @GrpcMethod(SERVICE, 'deleteAgent')
  async deleteAgent(req: agentsV1.DeleteAgentRequest): Promise<agentsV1.DeleteAgentResponse> {
    await this.agents.delete(req.projectId, req.agentUuid);
    return {};
  }

  /** The turn's chunks as they happen; the caller going away (cancel, deadline) aborts the model call and the tools. */
  @GrpcMethod(SERVICE, 'executeTurn')
  executeTurn(req: agentsV1.ExecuteTurnRequest, _md?: Metadata, call?: unknown): Observable<agentsV1.ExecuteTurnResponse> {
    return new Observable((subscriber) => {
      const controller = childSignal(callSignal(call));
      void (async () => {
        try {
          for await (const item of this.turns.execute(req, controller.signal)) {
            if (subscriber.closed) break;
            subscriber.next(item);
          }
          subscriber.complete();
        } catch (err) {
          subscriber.error(err);
        }
      })();
      return () => controller.abort(new Error('unsubscribed'));
    });
  }
}
