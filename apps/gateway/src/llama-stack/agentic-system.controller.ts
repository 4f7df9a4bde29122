import { Body, Controller, Delete, Headers, HttpCode, Inject, Post, Query, Res, type OnModuleInit } from '@nestjs/common';
import type { ClientGrpc } from '@nestjs/microservices';
import { ApiHeader, ApiOperation, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import { PlatformError, plainServerStream, unary, type PlainServerStream, type StreamSource } from '@platform/common';
import { agentsV1 } from '@platform/contracts';
import type { FastifyReply } from 'fastify';
import { ContainerAccessService } from '../access/container-access.service';
import type { RequestHeaders } from '../access/request-project';
import { CurrentPrincipal, type Principal } from '../auth/principal';
import { clientGone } from '../http/client-gone';
import { UsersService } from '../identity/users.service';
import { sendEventStream } from '../inference/event-stream';
import { AGENTS_CLIENT } from './agents-client';
import { TurnChunks, wholeTurn } from './agentic-system-stream';
import { AgenticSystemCreateRequestDto, AgenticSystemExecuteRequestDto } from './agentic-system.dto';
import { LLAMA_STACK_STREAM } from './llama-stack-stream';
import { LlamaStackModels } from './llama-stack-models';
import { trainingProject } from './post-training-project';

const MAX_AGENT_ID_CHARS = 256;

/** `agent_id` of the delete route: required, and no longer than an agent's uuid can be. */
export function agentIdOf(id: string | undefined): string {
  if (!id?.trim()) throw PlatformError.invalid('agent_id is required.', 'agent_id');
  if (id.length > MAX_AGENT_ID_CHARS) throw PlatformError.invalid(`agent_id must be at most ${MAX_AGENT_ID_CHARS} characters.`, 'agent_id');
  return id;
}

/** The grpc-js client of AgentService for the turn stream (as InferenceRpc): a plain stream the gateway can cancel. */
interface RawAgentsClient {
  executeTurn: PlainServerStream<agentsV1.ExecuteTurnRequest, agentsV1.ExecuteTurnResponse>;
}

/**
 * Llama Stack draft `/agentic_system/*`: agents of a project (X-Project-Id, else the caller's default) in the agents
 * service. An execute runs one turn of the agent's session (input shields, memory retrieval, inference and tool steps,
 * output shields) and stores it. Editors create, run and delete agents: a turn adds to the agent's stored session.
 * Create answers the draft's `{agent_uuid}`; delete an empty 200.
 */
@ApiTags('Llama Stack (draft)')
@ApiHeader({ name: 'X-Project-Id', required: false, description: 'project id; defaults to your default project' })
@Controller('agentic_system')
export class AgenticSystemController implements OnModuleInit {
  private agents!: agentsV1.AgentServiceClient;
  private raw!: RawAgentsClient;

  constructor(
    @Inject(AGENTS_CLIENT) private readonly client: ClientGrpc,
    private readonly access: ContainerAccessService,
    private readonly users: UsersService,
    private readonly models: LlamaStackModels,
  ) {}

  onModuleInit(): void {
    this.agents = this.client.getService<agentsV1.AgentServiceClient>(agentsV1.AGENT_SERVICE_NAME);
    this.raw = this.client.getClientByServiceName<RawAgentsClient>(agentsV1.AGENT_SERVICE_NAME);
  }

  @Post('create')
  @HttpCode(200)
  @ApiOperation({ summary: 'Create an agent: instructions, model, tools, memory banks and shields; answers {agent_uuid}' })
  async create(@Body() body: AgenticSystemCreateRequestDto, @Headers() headers: RequestHeaders, @CurrentPrincipal() p: Principal) {
    const projectId = await this.project(headers, p);
    const modelId = await this.models.resolve(body.model);
    const { agentUuid } = await unary(
      this.agents.createAgent({ projectId, agentJson: JSON.stringify(body), modelId, createdBy: p.userId }),
    );
    return { agent_uuid: agentUuid };
  }

  @Post('execute')
  @HttpCode(200)
  @ApiProduces('application/json', 'text/event-stream')
  @ApiOperation({ summary: "Run a turn of the agent's session: {turn}, or with stream: true its steps as server-sent events" })
  async execute(
    @Body() body: AgenticSystemExecuteRequestDto,
    @Headers() headers: RequestHeaders,
    @CurrentPrincipal() p: Principal,
    @Res() reply: FastifyReply,
  ) {
    const projectId = await this.project(headers, p);
    const source = this.turn({
      projectId,
      agentUuid: body.agent_uuid,
      messagesJson: JSON.stringify(body.messages),
      turnHistoryJson: JSON.stringify(body.turn_history ?? []),
      sessionId: '',
    });
    if (!body.stream) {
      // A client that goes away cancels the turn (its model calls and tools) as a streaming one does.
      const turn = await wholeTurn(source, clientGone(reply.raw));
      if (turn) await reply.send({ turn });
      return;
    }
    const chunks = new TurnChunks();
    await sendEventStream(
      reply,
      source,
      (item) => chunks.view(item),
      () => chunks.failed(),
      LLAMA_STACK_STREAM,
    );
  }

  @Delete('delete')
  @HttpCode(200)
  @ApiQuery({ name: 'agent_id', required: true })
  @ApiOperation({ summary: 'Delete an agent with its sessions and turns' })
  async delete(@Query('agent_id') id: string | undefined, @Headers() headers: RequestHeaders, @CurrentPrincipal() p: Principal) {
    const agentUuid = agentIdOf(id);
    const projectId = await this.project(headers, p);
    await unary(this.agents.deleteAgent({ projectId, agentUuid }));
  }

  private turn(req: agentsV1.ExecuteTurnRequest): StreamSource<agentsV1.ExecuteTurnResponse> {
    return plainServerStream(this.raw, this.raw.executeTurn, req);
  }

  private project(headers: RequestHeaders, p: Principal): Promise<string> {
    return trainingProject(headers, p, 'editor', this.users, this.access);
  }
}
