import { Controller, HttpCode, Inject, Post, Query, Res, type OnModuleInit } from '@nestjs/common';
import type { ClientGrpc } from '@nestjs/microservices';
import { ApiBody, ApiOperation, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CheckedBody } from './fast-body/checked-body';
import { embeddingsShape, rerankShape, textChatShape, textGenerationShape, tokenizationShape } from './fast-body/watsonx-shapes';
import { ContainerAccessService } from '../access/container-access.service';
import { CurrentPrincipal, type Principal } from '../auth/principal';
import { ClientGone } from '../http/client-gone';
import { requireVersion } from './api-version';
import { authorizeScope } from './container-scope';
import { EmbeddingsRequest, RerankRequest, TextChatRequest, TextGenerationRequest, TokenizationRequest } from './inference.dto';
import { INFERENCE_CLIENT } from './inference-client';
import { InferenceRpc } from './inference-rpc';
import { chatRequest, embedRequest, generateRequest, rerankRequest, tokenizeRequest } from './to-grpc';
import { TextServing } from './text-serving';
import { embeddingsView, rerankView, tokenizationView } from './watsonx-views';

/** watsonx.ai text APIs: generation, chat (unary and SSE), embeddings, rerank and tokenization. */
@ApiTags('Text generation and chat')
@ApiQuery({ name: 'version', required: true, example: '2024-05-31' })
@Controller('ml/v1/text')
export class TextController implements OnModuleInit {
  private inference!: InferenceRpc;
  private serving!: TextServing;

  constructor(
    @Inject(INFERENCE_CLIENT) private readonly client: ClientGrpc,
    private readonly access: ContainerAccessService,
  ) {}

  onModuleInit(): void {
    this.inference = new InferenceRpc(this.client);
    this.serving = new TextServing(this.inference);
  }

  private async admit(
    version: string | undefined,
    body: TextGenerationRequest | TextChatRequest | EmbeddingsRequest | RerankRequest | TokenizationRequest,
    p: Principal,
  ) {
    requireVersion(version);
    await authorizeScope(this.access, body, p);
  }

  @Post('generation')
  @HttpCode(200)
  @ApiOperation({ summary: 'Generate text' })
  @ApiBody({ type: TextGenerationRequest })
  async generation(
    @Query('version') version: string | undefined,
    @CheckedBody(TextGenerationRequest, textGenerationShape) body: TextGenerationRequest,
    @CurrentPrincipal() p: Principal,
    @ClientGone() gone: AbortSignal,
  ) {
    await this.admit(version, body, p);
    return this.serving.generation(gone, generateRequest(body));
  }

  @Post('generation_stream')
  @ApiProduces('text/event-stream')
  @ApiOperation({ summary: 'Generate text as a stream of server-sent events' })
  @ApiBody({ type: TextGenerationRequest })
  async generationStream(
    @Query('version') version: string | undefined,
    @CheckedBody(TextGenerationRequest, textGenerationShape) body: TextGenerationRequest,
    @CurrentPrincipal() p: Principal,
    @Res() reply: FastifyReply,
  ) {
    await this.admit(version, body, p);
    await this.serving.generationStream(reply, generateRequest(body));
  }

  @Post('chat')
  @HttpCode(200)
  @ApiOperation({ summary: 'Chat with a model' })
  @ApiBody({ type: TextChatRequest })
  async chat(
    @Query('version') version: string | undefined,
    @CheckedBody(TextChatRequest, textChatShape) body: TextChatRequest,
    @CurrentPrincipal() p: Principal,
    @ClientGone() gone: AbortSignal,
  ) {
    await this.admit(version, body, p);
    return this.serving.chat(gone, chatRequest(body));
  }

  @Post('chat_stream')
  @ApiProduces('text/event-stream')
  @ApiOperation({ summary: 'Chat with a model, streaming server-sent events' })
  @ApiBody({ type: TextChatRequest })
  async chatStream(
    @Query('version') version: string | undefined,
    @CheckedBody(TextChatRequest, textChatShape) body: TextChatRequest,
    @CurrentPrincipal() p: Principal,
    @Res() reply: FastifyReply,
  ) {
    await this.admit(version, body, p);
    await this.serving.chatStream(reply, chatRequest(body));
  }

  @Post('embeddings')
  @HttpCode(200)
  @ApiOperation({ summary: 'Embed texts' })
  @ApiBody({ type: EmbeddingsRequest })
  async embeddings(
    @Query('version') version: string | undefined,
    @CheckedBody(EmbeddingsRequest, embeddingsShape) body: EmbeddingsRequest,
    @CurrentPrincipal() p: Principal,
    @ClientGone() gone: AbortSignal,
  ) {
    await this.admit(version, body, p);
    return embeddingsView(await this.inference.embed(embedRequest(body), gone));
  }

  @Post('rerank')
  @HttpCode(200)
  @ApiOperation({ summary: 'Rerank texts against a query' })
  @ApiBody({ type: RerankRequest })
  async rerank(
    @Query('version') version: string | undefined,
    @CheckedBody(RerankRequest, rerankShape) body: RerankRequest,
    @CurrentPrincipal() p: Principal,
    @ClientGone() gone: AbortSignal,
  ) {
    await this.admit(version, body, p);
    return rerankView(await this.inference.rerank(rerankRequest(body), gone));
  }

  @Post('tokenization')
  @HttpCode(200)
  @ApiOperation({ summary: 'Tokenize a text' })
  @ApiBody({ type: TokenizationRequest })
  async tokenization(
    @Query('version') version: string | undefined,
    @CheckedBody(TokenizationRequest, tokenizationShape) body: TokenizationRequest,
    @CurrentPrincipal() p: Principal,
    @ClientGone() gone: AbortSignal,
  ) {
    await this.admit(version, body, p);
    return tokenizationView(await this.inference.tokenize(tokenizeRequest(body), gone), body.parameters?.return_tokens ?? false);
  }
}
