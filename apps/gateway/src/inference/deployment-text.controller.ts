import { Controller, HttpCode, Inject, Param, Post, Query, Res, type OnModuleInit } from '@nestjs/common';
import type { ClientGrpc } from '@nestjs/microservices';
import { ApiBody, ApiOperation, ApiParam, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { unary } from '@platform/common';
import { deploymentV1, documentsV1, promptsV1 } from '@platform/contracts';
import { ContainerAccessService } from '../access/container-access.service';
import { CurrentPrincipal, type Principal } from '../auth/principal';
import { DEPLOYMENT_CLIENT } from '../deployments/deployment-client';
import { DOCUMENTS_CLIENT } from '../documents/documents-client';
import { ClientGone } from '../http/client-gone';
import { PROMPTS_CLIENT } from '../prompts/prompts-client';
import { requireVersion } from './api-version';
import { DeploymentPromptTemplates } from './deployment-prompt-template';
import { DeploymentRagPatterns, ragChatRefusal } from './deployment-rag-pattern';
import { DeploymentTextChatRequest, DeploymentTextGenerationRequest } from './deployment-text.dto';
import { servingTarget, visibleDeployment, type DeploymentTarget as Target } from './deployment-target';
import { CheckedBody } from './fast-body/checked-body';
import { deploymentTextChatShape, deploymentTextGenerationShape } from './fast-body/watsonx-shapes';
import { INFERENCE_CLIENT } from './inference-client';
import { InferenceRpc } from './inference-rpc';
import { LastKnownDeployments } from './last-known-deployments';
import { TextServing } from './text-serving';
import { chatRequest, generateRequest } from './to-grpc';

/**
 * watsonx.ai deployment inference, POST /ml/v1/deployments/{id_or_name}/text/generation, …/text/generation_stream,
 * …/text/chat and …/text/chat_stream: generation and chat (unary and SSE) against a deployment's own replicas, named by
 * its id or its serving name, with the same parameters, moderations and stream framing as /ml/v1/text/…. Access
 * follows the deployment's project or space (viewer). A deployment the caller may not see answers exactly as one that
 * does not exist (404), so ids and serving names of other projects do not leak. One that is still starting answers
 * 503 `deployment_not_ready` (try again once its status.state is ready); one that failed answers 409
 * `deployment_failed` with its failure message. While a deployment is `updating` (a swap) the replicas serving it
 * answer. While the deployment service cannot be reached (a restart), a deployment resolved before keeps answering.
 * A deployment with a prompt template generates from the template filled with `parameters.prompt_variables`
 * (deployment-prompt-template.ts). A deployed AutoAI RAG pattern answers the question in `input` with its retrieval,
 * prompt and foundation model (deployment-rag-pattern.ts) on the generation routes; its chat routes answer 400.
 */
@ApiTags('Deployments')
@ApiQuery({ name: 'version', required: true, example: '2024-05-31' })
@ApiParam({ name: 'id_or_name', description: 'The deployment id or its serving name.' })
@Controller('ml/v1/deployments/:id_or_name/text')
export class DeploymentTextController implements OnModuleInit {
  private serving!: TextServing;
  private deployments!: deploymentV1.DeploymentServiceClient;
  private templates!: DeploymentPromptTemplates;
  private ragPatterns!: DeploymentRagPatterns;
  /** While the deployment service restarts, its deployments' replicas keep answering through these routes. */
  private readonly lastKnown = new LastKnownDeployments({ maxEntries: 10_000, maxAgeMs: 10 * 60_000 });

  constructor(
    @Inject(INFERENCE_CLIENT) private readonly inferenceClient: ClientGrpc,
    @Inject(DEPLOYMENT_CLIENT) private readonly deploymentClient: ClientGrpc,
    @Inject(PROMPTS_CLIENT) private readonly promptsClient: ClientGrpc,
    @Inject(DOCUMENTS_CLIENT) private readonly documentsClient: ClientGrpc,
    private readonly access: ContainerAccessService,
  ) {}

  onModuleInit(): void {
    this.serving = new TextServing(new InferenceRpc(this.inferenceClient, 'deployments'));
    this.deployments = this.deploymentClient.getService<deploymentV1.DeploymentServiceClient>(deploymentV1.DEPLOYMENT_SERVICE_NAME);
    this.templates = new DeploymentPromptTemplates(
      this.promptsClient.getService<promptsV1.PromptServiceClient>(promptsV1.PROMPT_SERVICE_NAME),
    );
    this.ragPatterns = new DeploymentRagPatterns(
      this.documentsClient.getService<documentsV1.DocumentServiceClient>(documentsV1.DOCUMENT_SERVICE_NAME),
    );
  }

  /** The deployment, if it exists, the caller may use it and it serves; else the answer the class comment gives. */
  private async target(version: string | undefined, idOrName: string, p: Principal): Promise<Target> {
    requireVersion(version);
    const d = await visibleDeployment(
      idOrName,
      () => this.lastKnown.resolve(idOrName, async () => (await unary(this.deployments.resolveDeployment({ idOrName }))).deployment),
      (kind, id) => this.access.check(kind, id, p, 'viewer'),
    );
    return servingTarget(d, idOrName);
  }

  private async generationRequest(body: DeploymentTextGenerationRequest, t: Target) {
    const request = t.ragPattern ? this.ragPatterns.generation(body, t, t.ragPattern) : this.templates.generation(body, t);
    return generateRequest(await request);
  }

  private async chatRequest(body: DeploymentTextChatRequest, t: Target) {
    if (t.ragPattern) throw ragChatRefusal();
    return chatRequest(await this.templates.chat(body, t));
  }

  @Post('generation')
  @HttpCode(200)
  @ApiOperation({ summary: 'Generate text with a deployment (viewer role on its project or space)' })
  @ApiBody({ type: DeploymentTextGenerationRequest })
  async generation(
    @Query('version') version: string | undefined,
    @Param('id_or_name') idOrName: string,
    @CheckedBody(DeploymentTextGenerationRequest, deploymentTextGenerationShape) body: DeploymentTextGenerationRequest,
    @CurrentPrincipal() p: Principal,
    @ClientGone() gone: AbortSignal,
  ) {
    const t = await this.target(version, idOrName, p);
    return this.serving.generation(gone, await this.generationRequest(body, t), t.shownModelId);
  }

  @Post('generation_stream')
  @ApiProduces('text/event-stream')
  @ApiOperation({ summary: 'Generate text with a deployment as a stream of server-sent events' })
  @ApiBody({ type: DeploymentTextGenerationRequest })
  async generationStream(
    @Query('version') version: string | undefined,
    @Param('id_or_name') idOrName: string,
    @CheckedBody(DeploymentTextGenerationRequest, deploymentTextGenerationShape) body: DeploymentTextGenerationRequest,
    @CurrentPrincipal() p: Principal,
    @Res() reply: FastifyReply,
  ) {
    const t = await this.target(version, idOrName, p);
    await this.serving.generationStream(reply, await this.generationRequest(body, t), t.shownModelId);
  }

  @Post('chat')
  @HttpCode(200)
  @ApiOperation({ summary: 'Chat with a deployment' })
  @ApiBody({ type: DeploymentTextChatRequest })
  async chat(
    @Query('version') version: string | undefined,
    @Param('id_or_name') idOrName: string,
    @CheckedBody(DeploymentTextChatRequest, deploymentTextChatShape) body: DeploymentTextChatRequest,
    @CurrentPrincipal() p: Principal,
    @ClientGone() gone: AbortSignal,
  ) {
    const t = await this.target(version, idOrName, p);
    return this.serving.chat(gone, await this.chatRequest(body, t), t.shownModelId);
  }

  @Post('chat_stream')
  @ApiProduces('text/event-stream')
  @ApiOperation({ summary: 'Chat with a deployment, streaming server-sent events' })
  @ApiBody({ type: DeploymentTextChatRequest })
  async chatStream(
    @Query('version') version: string | undefined,
    @Param('id_or_name') idOrName: string,
    @CheckedBody(DeploymentTextChatRequest, deploymentTextChatShape) body: DeploymentTextChatRequest,
    @CurrentPrincipal() p: Principal,
    @Res() reply: FastifyReply,
  ) {
    const t = await this.target(version, idOrName, p);
    await this.serving.chatStream(reply, await this.chatRequest(body, t), t.shownModelId);
  }
}
