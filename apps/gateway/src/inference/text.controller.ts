import { Body, Controller, HttpCode, Inject, Post, Query, Res, type OnModuleInit } from '@nestjs/common';
import type { ClientGrpc } from '@nestjs/microservices';
import { ApiOperation, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import { inferenceV1 } from '@platform/contracts';
import type { FastifyReply } from 'fastify';
import { ContainerAccessService } from '../access/container-access.service';
import { CurrentPrincipal, type Principal } from '../auth/principal';
import { traceMetadata, unary } from '../http/grpc-call';
import { requireVersion } from './api-version';
import { authorizeScope } from './container-scope';
import { sendEventStream } from './event-stream';
import { EmbeddingsRequest, RerankRequest, TextChatRequest, TextGenerationRequest, TokenizationRequest } from './inference.dto';
import { INFERENCE_CLIENT } from './inference-client';
import { chatRequest, embedRequest, generateRequest, rerankRequest, tokenizeRequest } from './to-grpc';
import { chatChunkView, chatView, embeddingsView, generationView, rerankView, tokenizationView } from './watsonx-views';

/** watsonx.ai text APIs: generation, chat (unary and SSE), embeddings, rerank and tokenization. */
@ApiTags('Text generation and chat')
@ApiQuery({ name: 'version', required: true, example: '2024-05-31' })
@Controller('ml/v1/text')
export class TextController implements OnModuleInit {
  private inference!: inferenceV1.InferenceServiceClient;

  constructor(
    @Inject(INFERENCE_CLIENT) private readonly client: ClientGrpc,
    private readonly access: ContainerAccessService,
  ) {}

  onModuleInit(): void {
    this.inference = this.client.getService<inferenceV1.InferenceServiceClient>(inferenceV1.INFERENCE_SERVICE_NAME);
  }

  private async admit(version: string | undefined, body: TextGenerationRequest | TextChatRequest | EmbeddingsRequest | RerankRequest | TokenizationRequest, p: Principal) {
    requireVersion(version);
    await authorizeScope(this.access, body, p);
  }

  @Post('generation')
  @HttpCode(200)
  @ApiOperation({ summary: 'Generate text' })
  async generation(@Query('version') version: string | undefined, @Body() body: TextGenerationRequest, @CurrentPrincipal() p: Principal) {
    await this.admit(version, body, p);
    const req = generateRequest(body);
    return generationView(await unary(this.inference.generate(req, traceMetadata())), req.parameters?.returnOptions);
  }

  @Post('generation_stream')
  @ApiProduces('text/event-stream')
  @ApiOperation({ summary: 'Generate text as a stream of server-sent events' })
  async generationStream(@Query('version') version: string | undefined, @Body() body: TextGenerationRequest, @CurrentPrincipal() p: Principal, @Res() reply: FastifyReply) {
    await this.admit(version, body, p);
    const req = generateRequest(body);
    const ro = req.parameters?.returnOptions;
    let last = { tokens: 0, input: 0 };
    await sendEventStream(
      reply,
      this.inference.generateStream(req, traceMetadata()),
      (item) => {
        last = { tokens: item.result?.generatedTokenCount ?? last.tokens, input: item.result?.inputTokenCount || last.input };
        return generationView(item, ro);
      },
      () => ({
        model_id: req.modelId,
        created_at: new Date().toISOString(),
        results: [{ generated_text: '', generated_token_count: last.tokens, input_token_count: last.input, stop_reason: 'error' }],
      }),
    );
  }

  @Post('chat')
  @HttpCode(200)
  @ApiOperation({ summary: 'Chat with a model' })
  async chat(@Query('version') version: string | undefined, @Body() body: TextChatRequest, @CurrentPrincipal() p: Principal) {
    await this.admit(version, body, p);
    return chatView(await unary(this.inference.chat(chatRequest(body), traceMetadata())));
  }

  @Post('chat_stream')
  @ApiProduces('text/event-stream')
  @ApiOperation({ summary: 'Chat with a model, streaming server-sent events' })
  async chatStream(@Query('version') version: string | undefined, @Body() body: TextChatRequest, @CurrentPrincipal() p: Principal, @Res() reply: FastifyReply) {
    await this.admit(version, body, p);
    const req = chatRequest(body);
    let head = { id: '', created: Math.floor(Date.now() / 1000) };
    await sendEventStream(
      reply,
      this.inference.chatStream(req, traceMetadata()),
      (item) => {
        head = { id: item.id, created: item.created };
        return chatChunkView(item);
      },
      () => ({
        id: head.id,
        object: 'chat.completion.chunk',
        model_id: req.modelId,
        model: req.modelId,
        created: head.created,
        created_at: new Date().toISOString(),
        choices: [{ index: 0, delta: { content: '' }, finish_reason: 'error' }],
      }),
    );
  }

  @Post('embeddings')
  @HttpCode(200)
  @ApiOperation({ summary: 'Embed texts' })
  async embeddings(@Query('version') version: string | undefined, @Body() body: EmbeddingsRequest, @CurrentPrincipal() p: Principal) {
    await this.admit(version, body, p);
    return embeddingsView(await unary(this.inference.embed(embedRequest(body), traceMetadata())));
  }

  @Post('rerank')
  @HttpCode(200)
  @ApiOperation({ summary: 'Rerank texts against a query' })
  async rerank(@Query('version') version: string | undefined, @Body() body: RerankRequest, @CurrentPrincipal() p: Principal) {
    await this.admit(version, body, p);
    return rerankView(await unary(this.inference.rerank(rerankRequest(body), traceMetadata())));
  }

  @Post('tokenization')
  @HttpCode(200)
  @ApiOperation({ summary: 'Tokenize a text' })
  async tokenization(@Query('version') version: string | undefined, @Body() body: TokenizationRequest, @CurrentPrincipal() p: Principal) {
    await this.admit(version, body, p);
    return tokenizationView(await unary(this.inference.tokenize(tokenizeRequest(body), traceMetadata())), body.parameters?.return_tokens ?? false);
  }
}
