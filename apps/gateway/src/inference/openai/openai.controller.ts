import { Controller, Get, Headers, HttpCode, Inject, Param, Post, Res, type OnModuleInit } from '@nestjs/common';
import type { ClientGrpc } from '@nestjs/microservices';
import { ApiBody, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { PlatformError } from '@platform/common';
import type { inferenceV1 } from '@platform/contracts';
import { CheckedBody } from '../fast-body/checked-body';
import { chatCompletionShape, completionShape, openAiEmbeddingsShape } from '../fast-body/openai-shapes';
import { randomUUID } from 'node:crypto';
import { ContainerAccessService } from '../../access/container-access.service';
import { projectFromHeaders, type RequestHeaders } from '../../access/request-project';
import { CurrentPrincipal, type Principal } from '../../auth/principal';
import { UsersService } from '../../identity/users.service';
import { sendEventStream, type StreamFormat } from '../event-stream';
import { INFERENCE_CLIENT } from '../inference-client';
import { InferenceRpc } from '../inference-rpc';
import { chatChunkView, chatView } from '../watsonx-views';
import { ChatCompletionRequest, CompletionRequest, OpenAiEmbeddingsRequest } from './openai.dto';
import {
  OPENAI_FINISH_REASON,
  chatCompletionToGrpc,
  completionToGrpc,
  embeddingsToGrpc,
  encodeEmbedding,
  finishReason,
} from './openai-mapping';

const OPENAI_STREAM: StreamFormat = { frame: (_id, data) => `data: ${JSON.stringify(data)}\n\n`, trailer: 'data: [DONE]\n\n' };

/** Drops the watsonx-only fields so OpenAI clients see exactly their own shapes. */
function openAiChat<T extends { model_id?: string; created_at?: string }>(view: T): Omit<T, 'model_id' | 'created_at'> {
  const { model_id: _m, created_at: _c, ...rest } = view;
  return rest;
}

/**
 * OpenAI-compatible routes, authenticated like the rest of the platform (the platform token is the API key).
 * The project comes from the `OpenAI-Project` or `X-Project-Id` header, or the caller's default project.
 */
@ApiTags('OpenAI-compatible')
@ApiHeader({ name: 'OpenAI-Project', required: false, description: 'project id; defaults to your default project' })
@Controller('openai/v1')
export class OpenAiController implements OnModuleInit {
  private inference!: InferenceRpc;

  constructor(
    @Inject(INFERENCE_CLIENT) private readonly client: ClientGrpc,
    private readonly access: ContainerAccessService,
    private readonly users: UsersService,
  ) {}

  onModuleInit(): void {
    this.inference = new InferenceRpc(this.client);
  }

  private async scope(headers: RequestHeaders, p: Principal): Promise<{ projectId: string }> {
    return { projectId: await projectFromHeaders(headers, ['OpenAI-Project', 'X-Project-Id'], p, this.users, this.access) };
  }

  @Get('models')
  @ApiOperation({ summary: 'List models' })
  async models() {
    const res = await this.inference.listModels({});
    return { object: 'list', data: res.models.map(modelObject) };
  }

  @Get('models/:model')
  @ApiOperation({ summary: 'Retrieve a model (an id holding a slash may come percent-encoded)' })
  async model(@Param('model') model: string) {
    return this.retrieve(model);
  }

  // The openai client puts the id in the path as it is: `platform/tiny-llama` arrives as two segments.
  @Get('models/:owner/:name')
  @ApiOperation({ summary: 'Retrieve a model whose id is owner/name' })
  async ownedModel(@Param('owner') owner: string, @Param('name') name: string) {
    return this.retrieve(`${owner}/${name}`);
  }

  private async retrieve(id: string) {
    const res = await this.inference.listModels({});
    const found = res.models.find((m) => m.modelId === id);
    if (!found) throw PlatformError.notFound(`The model '${id}' does not exist.`, 'model_not_supported');
    return modelObject(found);
  }

  @Post('completions')
  @HttpCode(200)
  @ApiOperation({ summary: 'Create a completion' })
  @ApiBody({ type: CompletionRequest })
  async completions(
    @CheckedBody(CompletionRequest, completionShape) body: CompletionRequest,
    @Headers() headers: Record<string, string | undefined>,
    @CurrentPrincipal() p: Principal,
    @Res() reply: FastifyReply,
  ) {
    const req = completionToGrpc(body, await this.scope(headers, p));
    const id = `cmpl-${randomUUID().replace(/-/g, '')}`;
    const created = Math.floor(Date.now() / 1000);
    const base = { id, object: 'text_completion', created, model: req.modelId };
    if (!body.stream) {
      const res = await this.inference.generate(req);
      const r = res.result;
      // @Res() hands the whole reply to this handler, for the stream's sake, so the unary answer is sent here too.
      await reply.send({
        ...base,
        choices: [{ index: 0, text: r?.generatedText ?? '', logprobs: null, finish_reason: finishReason(r?.stop) }],
        usage: {
          prompt_tokens: r?.inputTokenCount ?? 0,
          completion_tokens: r?.generatedTokenCount ?? 0,
          total_tokens: (r?.inputTokenCount ?? 0) + (r?.generatedTokenCount ?? 0),
        },
      });
      return;
    }
    const usage = { prompt: 0, completion: 0 };
    const withUsage = body.stream_options?.include_usage ?? false;
    await sendEventStream(
      reply,
      this.inference.generateStream(req),
      (item) => {
        usage.prompt = item.result?.inputTokenCount || usage.prompt;
        usage.completion = item.result?.generatedTokenCount ?? usage.completion;
        const finish = finishReason(item.result?.stop);
        const chunk = { ...base, choices: [{ index: 0, text: item.result?.generatedText ?? '', logprobs: null, finish_reason: finish }] };
        if (!finish || !withUsage) return chunk;
        return [
          chunk,
          {
            ...base,
            choices: [],
            usage: { prompt_tokens: usage.prompt, completion_tokens: usage.completion, total_tokens: usage.prompt + usage.completion },
          },
        ];
      },
      () => ({ ...base, choices: [{ index: 0, text: '', logprobs: null, finish_reason: 'error' }] }),
      {
        ...OPENAI_STREAM,
        frame: (id, data) => (Array.isArray(data) ? data.map((d) => OPENAI_STREAM.frame(id, d)).join('') : OPENAI_STREAM.frame(id, data)),
      },
    );
  }

  @Post('chat/completions')
  @HttpCode(200)
  @ApiOperation({ summary: 'Create a chat completion' })
  @ApiBody({ type: ChatCompletionRequest })
  async chatCompletions(
    @CheckedBody(ChatCompletionRequest, chatCompletionShape) body: ChatCompletionRequest,
    @Headers() headers: Record<string, string | undefined>,
    @CurrentPrincipal() p: Principal,
    @Res() reply: FastifyReply,
  ) {
    const req = chatCompletionToGrpc(body, await this.scope(headers, p));
    if (!body.stream) {
      await reply.send(openAiChat(chatView(await this.inference.chat(req), OPENAI_FINISH_REASON)));
      return;
    }
    const withUsage = body.stream_options?.include_usage ?? false;
    let head = { id: '', created: Math.floor(Date.now() / 1000) };
    await sendEventStream(
      reply,
      this.inference.chatStream(req),
      (item) => {
        head = { id: item.id, created: item.created };
        if (item.choices.length === 0 && !withUsage) return undefined;
        const chunk = openAiChat(chatChunkView(item, OPENAI_FINISH_REASON));
        return withUsage ? { usage: null, ...chunk } : chunk;
      },
      () => ({
        id: head.id,
        object: 'chat.completion.chunk',
        created: head.created,
        model: req.modelId,
        choices: [{ index: 0, delta: {}, finish_reason: 'error' }],
      }),
      OPENAI_STREAM,
    );
  }

  @Post('embeddings')
  @HttpCode(200)
  @ApiOperation({ summary: 'Create embeddings' })
  @ApiBody({ type: OpenAiEmbeddingsRequest })
  async embeddings(
    @CheckedBody(OpenAiEmbeddingsRequest, openAiEmbeddingsShape) body: OpenAiEmbeddingsRequest,
    @Headers() headers: Record<string, string | undefined>,
    @CurrentPrincipal() p: Principal,
  ) {
    const res = await this.inference.embed(embeddingsToGrpc(body, await this.scope(headers, p)));
    return {
      object: 'list',
      data: res.results.map((r, index) => ({ object: 'embedding', index, embedding: encodeEmbedding(r.embedding, body.encoding_format) })),
      model: res.modelId,
      usage: { prompt_tokens: res.inputTokenCount, total_tokens: res.inputTokenCount },
    };
  }
}

/** A served model as OpenAI's model object. */
function modelObject(m: inferenceV1.ModelInfo) {
  return { id: m.modelId, object: 'model', created: 0, owned_by: m.provider };
}
