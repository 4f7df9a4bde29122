import { Body, Controller, Headers, HttpCode, Inject, Post, Res, type OnModuleInit } from '@nestjs/common';
import type { ClientGrpc } from '@nestjs/microservices';
import { ApiHeader, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ContainerAccessService } from '../access/container-access.service';
import { CurrentPrincipal, type Principal } from '../auth/principal';
import { clientGone } from '../http/client-gone';
import { UsersService } from '../identity/users.service';
import { sendEventStream } from '../inference/event-stream';
import { INFERENCE_CLIENT } from '../inference/inference-client';
import { InferenceRpc } from '../inference/inference-rpc';
import { boundedMap } from './bounded-map';
import { ChatChunker, FAILED, chatCompletionView, completionChunk, completionView } from './from-inference';
import {
  BatchChatCompletionRequestDto,
  BatchCompletionRequestDto,
  ChatCompletionRequestDto,
  CompletionRequestDto,
} from './llama-stack.dto';
import { FailedChunk, LLAMA_STACK_STREAM } from './llama-stack-stream';
import { LlamaStackModels } from './llama-stack-models';
import { projectFromHeaders, type RequestHeaders } from '../access/request-project';
import { chatRequest, completionRequest, type Target } from './to-inference';

/** Batches fan out this many generations at a time: enough to fill a pool's batch, never a flood. */
const BATCH_CONCURRENCY = 8;

const failed = () => new FailedChunk({ text_delta: '', stop_reason: 'not_stopped' });
/** The draft answers batches as JSON lines. Set only on success, so refusals keep the envelope's JSON type. */
export function jsonLines(reply: FastifyReply, items: unknown[]): string {
  reply.header('content-type', 'application/jsonl; charset=utf-8');
  return items.map((i) => `${JSON.stringify(i)}\n`).join('');
}

/** The Llama Stack draft's inference routes (seeds/llama-stack-draft-openapi.json) over the inference service. */
@ApiTags('Llama Stack (draft)')
@ApiHeader({ name: 'X-Project-Id', required: false, description: 'project id; defaults to your default project' })
@Controller('inference')
export class LlamaStackController implements OnModuleInit {
  private inference!: InferenceRpc;

  constructor(
    @Inject(INFERENCE_CLIENT) private readonly client: ClientGrpc,
    private readonly access: ContainerAccessService,
    private readonly users: UsersService,
    private readonly models: LlamaStackModels,
  ) {}

  onModuleInit(): void {
    this.inference = new InferenceRpc(this.client);
  }

  private async target(model: string, headers: RequestHeaders, p: Principal): Promise<Target> {
    return {
      modelId: await this.models.resolve(model),
      projectId: await projectFromHeaders(headers, ['X-Project-Id'], p, this.users, this.access),
    };
  }

  @Post('completion')
  @HttpCode(200)
  @ApiProduces('application/json', 'text/event-stream')
  @ApiOperation({ summary: 'Complete a prompt (stream: true for server-sent events)' })
  async completion(
    @Body() body: CompletionRequestDto,
    @Headers() headers: RequestHeaders,
    @CurrentPrincipal() p: Principal,
    @Res() reply: FastifyReply,
  ) {
    const req = completionRequest(body.content, 'content', body, await this.target(body.model, headers, p));
    if (!body.stream) {
      // @Res() hands the whole reply to this handler, for the stream's sake, so the unary answer is sent here too.
      await reply.send(completionView(await this.inference.generate(req, clientGone(reply.raw))));
      return;
    }
    await sendEventStream(
      reply,
      this.inference.generateStream(req),
      (item) => (item.result?.stop === FAILED ? failed() : completionChunk(item)),
      failed,
      LLAMA_STACK_STREAM,
    );
  }

  @Post('chat_completion')
  @HttpCode(200)
  @ApiProduces('application/json', 'text/event-stream')
  @ApiOperation({ summary: 'Continue a dialog (stream: true for server-sent events)' })
  async chatCompletion(
    @Body() body: ChatCompletionRequestDto,
    @Headers() headers: RequestHeaders,
    @CurrentPrincipal() p: Principal,
    @Res() reply: FastifyReply,
  ) {
    const req = chatRequest(body.dialog, 'dialog', body, await this.target(body.model, headers, p));
    if (!body.stream) {
      await reply.send(chatCompletionView(await this.inference.chat(req, clientGone(reply.raw))));
      return;
    }
    const chunker = new ChatChunker();
    await sendEventStream(
      reply,
      this.inference.chatStream(req),
      (item) => {
        if (item.choices[0]?.stop === FAILED) return failed();
        const chunks = chunker.chunks(item);
        return chunks.length ? chunks : undefined;
      },
      failed,
      LLAMA_STACK_STREAM,
    );
  }

  @Post('batch_completion')
  @HttpCode(200)
  @ApiProduces('application/jsonl')
  @ApiOperation({ summary: 'Complete many prompts; one CompletionResponse per line, in request order' })
  async batchCompletion(
    @Body() body: BatchCompletionRequestDto,
    @Headers() headers: RequestHeaders,
    @CurrentPrincipal() p: Principal,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    const t = await this.target(body.model, headers, p);
    // Every item is mapped (and so checked) before any generation starts.
    const requests = body.content_batch.map((content, i) => completionRequest(content, `content_batch[${i}]`, body, t));
    const gone = clientGone(reply.raw);
    return jsonLines(
      reply,
      await boundedMap(requests, BATCH_CONCURRENCY, async (req) => completionView(await this.inference.generate(req, gone))),
    );
  }

  @Post('batch_chat_completion')
  @HttpCode(200)
  @ApiProduces('application/jsonl')
  @ApiOperation({ summary: 'Continue many dialogs; one ChatCompletionResponse per line, in request order' })
  async batchChatCompletion(
    @Body() body: BatchChatCompletionRequestDto,
    @Headers() headers: RequestHeaders,
    @CurrentPrincipal() p: Principal,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    const t = await this.target(body.model, headers, p);
    const requests = body.batch_dialogs.map((dialog, i) => chatRequest(dialog, `batch_dialogs[${i}]`, body, t));
    const gone = clientGone(reply.raw);
    return jsonLines(
      reply,
      await boundedMap(requests, BATCH_CONCURRENCY, async (req) => chatCompletionView(await this.inference.chat(req, gone))),
    );
  }
}
