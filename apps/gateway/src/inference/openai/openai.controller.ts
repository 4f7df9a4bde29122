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
import { ClientGone, clientGone } from '../../http/client-gone';
import { UsersService } from '../../identity/users.service';
import { sendEventStream, type StreamFormat } from '../event-stream';
import { INFERENCE_CLIENT } from '../inference-client';
import { InferenceRpc } from '../inference-rpc';
import { chatChunkView, chatView } from '../watsonx-views';
import { ChatCompletionRequest, CompletionRequest, OpenAiEmbeddingsRequest } from './openai.dto';
import { CompletionChoice } from './completion-choice';
import { mergeStreams } from './fan-out';
import { OPENAI_FINISH_REASON, chatCompletionToGrpc, completionToGrpc, embeddingsToGrpc, encodeEmbedding } from './openai-mapping';

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
    const scope = await this.scope(headers, p);
    // Each of the n choices is one generation; they run side by side.
    const reqs = Array.from({ length: body.n ?? 1 }, (_, i) => completionToGrpc(body, scope, i));
    const options = { echo: body.echo ?? false, prompt: reqs[0].input, logprobs: body.logprobs ?? undefined };
    const choices = reqs.map((_, i) => new CompletionChoice(i, options));
    const id = `cmpl-${randomUUID().replace(/-/g, '')}`;
    const created = Math.floor(Date.now() / 1000);
    const base = { id, object: 'text_completion', created, model: reqs[0].modelId };
    // The prompt is read once per choice but counted once, as OpenAI counts it.
    const usage = () => {
      const prompt = choices[0].promptTokens;
      const completion = choices.reduce((n, c) => n + c.completionTokens, 0);
      return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
    };
    if (!body.stream) {
      const gone = clientGone(reply.raw);
      const results = await Promise.all(reqs.map((r) => this.inference.generate(r, gone)));
      const parts = results.map((res, i) => choices[i].push(res.result));
      // @Res() hands the whole reply to this handler, for the stream's sake, so the unary answer is sent here too.
      await reply.send({ ...base, choices: parts, usage: usage() });
      return;
    }
    const withUsage = body.stream_options?.include_usage ?? false;
    let failed = 0;
    await sendEventStream(
      reply,
      mergeStreams(reqs.map((r) => this.inference.generateStream(r))),
      ({ index, item }) => {
        failed = index;
        const chunk = { ...base, choices: [choices[index].push(item.result)] };
        if (!withUsage || choices.some((c) => c.finish === null)) return chunk;
        return [chunk, { ...base, choices: [], usage: usage() }];
      },
      () => ({ ...base, choices: [{ index: failed, text: '', logprobs: null, finish_reason: 'error' }] }),
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
      const view = openAiChat(chatView(await this.inference.chat(req, clientGone(reply.raw)), OPENAI_FINISH_REASON));
      await reply.send({ ...view, choices: view.choices.map((c) => ({ ...c, message: withoutEmptyContent(c.message, null) })) });
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
        const view = openAiChat(chatChunkView(item, OPENAI_FINISH_REASON));
        const chunk = { ...view, choices: view.choices.map((c) => ({ ...c, delta: withoutEmptyContent(c.delta, undefined) })) };
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
    @ClientGone() gone: AbortSignal,
  ) {
    const res = await this.inference.embed(embeddingsToGrpc(body, await this.scope(headers, p)), gone);
    return {
      object: 'list',
      data: res.results.map((r, index) => ({ object: 'embedding', index, embedding: encodeEmbedding(r.embedding, body.encoding_format) })),
      model: res.modelId,
      usage: { prompt_tokens: res.inputTokenCount, total_tokens: res.inputTokenCount },
    };
  }
}

/**
 * A message or delta that calls tools carries no text as OpenAI writes it: `content: null` in a message, no
 * `content` in a stream delta (the watsonx views always write a string).
 */
function withoutEmptyContent<M extends { content?: string; tool_calls?: unknown[] }>(m: M, empty: null | undefined) {
  if (!m.tool_calls?.length || m.content) return m;
  const { content: _content, ...rest } = m;
  return empty === null ? { ...rest, content: null } : rest;
}

/** A served model as OpenAI's model object. */
function modelObject(m: inferenceV1.ModelInfo) {
  return { id: m.modelId, object: 'model', created: 0, owned_by: m.provider };
}
