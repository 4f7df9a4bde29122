import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { createMetricsRegistry, grpcClient } from '@platform/common';
import { PlatformServiceModule } from '@platform/service';
import { ContainerAccessService } from './access/container-access.service';
import { ContainerRoleQuery } from './access/container-role-query';
import { ContainersService } from './access/containers.service';
import { membersController } from './access/members.controller';
import { AuthGuard } from './auth/auth.guard';
import { AuthorizeController } from './auth/authorize.controller';
import { CredentialLiveness } from './auth/credential-liveness';
import { TokenService } from './auth/token.service';
import { HealthController, METRICS_REGISTRY } from './health/health.controller';
import { UpstreamReadiness } from './health/upstream-readiness';
import { GatewayConfig } from './gateway.config';
import { PUBLIC_URL } from './http/public-url';
import { AdminBootstrap } from './identity/admin-bootstrap';
import { IDENTITY_DATABASE } from './identity/identity-database';
import { UsersService } from './identity/users.service';
import { ProjectsController } from './projects/projects.controller';
import { SpacesController } from './spaces/spaces.controller';
import { TAXONOMY_CLIENT, TaxonomiesController } from './taxonomies/taxonomies.controller';
import { SecretsController } from './secrets/secrets.controller';
import { DataController, SDG_CLIENT } from './data/data.controller';
import { ModelsController, TRAINING_CLIENT } from './models/models.controller';
import { ModelArtifactsController } from './models/model-artifacts.controller';
import { FineTuningsController } from './fine-tunings/fine-tunings.controller';
import { CustomFoundationModelsController } from './deployments/custom-foundation-models.controller';
import { DEPLOYMENT_CLIENT } from './deployments/deployment-client';
import { PROMPTS_CLIENT } from './prompts/prompts-client';
import { PromptsController } from './prompts/prompts.controller';
import { PromptSessionsController } from './prompts/prompt-sessions.controller';
import { DeploymentsController } from './deployments/deployments.controller';
import { ModelAssetsController } from './deployments/model-assets.controller';
import { NOTEBOOK_CLIENT } from './notebooks/notebook-client';
import { AGENTS_CLIENT } from './llama-stack/agents-client';
import { DOCUMENTS_CLIENT } from './documents/documents-client';
import { TextExtractionsController } from './text-extractions/text-extractions.controller';
import { AutoAiRagsController } from './autoai-rags/autoai-rags.controller';
import { NotebooksController } from './notebooks/notebooks.controller';
import { DeploymentTextController } from './inference/deployment-text.controller';
import { INFERENCE_CLIENT } from './inference/inference-client';
import { ModelSpecsController } from './inference/model-specs.controller';
import { OpenAiController } from './inference/openai/openai.controller';
import { TextController } from './inference/text.controller';
import { LlamaStackController } from './llama-stack/llama-stack.controller';
import { LlamaStackModels } from './llama-stack/llama-stack-models';
import { SDG_GENERATION_CLIENT, SyntheticDataGenerationController } from './llama-stack/synthetic-data-generation.controller';
import { EVALUATION_CLIENT, RewardScoringController } from './llama-stack/reward-scoring.controller';
import { DatasetsController } from './llama-stack/datasets.controller';
import { PostTrainingController } from './llama-stack/post-training.controller';
import { MemoryBanksController } from './llama-stack/memory-banks.controller';
import { AgenticSystemController } from './llama-stack/agentic-system.controller';
import { UsersController } from './users/users.controller';
import { ApiRateLimiter } from './rate-limit/api-rate-limiter';
import { RateLimitGuard } from './rate-limit/rate-limit.guard';
import { rateLimitStoreProvider } from './rate-limit/rate-limit-store';
import { SignInThrottle } from './rate-limit/sign-in-throttle';
import { AuditEventsController } from './audit/audit-events.controller';
import { AuditLog } from './audit/audit-log';
import { AssetFilesController } from './asset-files/asset-files.controller';
import { TrainingsController } from './trainings/trainings.controller';
import { SignIns } from './auth/sign-ins';
import { AsyncApiController } from './events/asyncapi.controller';
import { EventsController } from './events/events.controller';
import { EventStreams } from './events/event-streams';

@Module({
  imports: [
    PlatformServiceModule.forRoot({
      name: 'gateway',
      config: GatewayConfig,
      database: IDENTITY_DATABASE,
      // HTTP, not gRPC: its /health is the HealthController's.
      grpc: false,
      // /v2/asset_files streams files into project and space storage.
      objectStore: true,
      // GET /v1/events reads the events stream (without NATS_URL it answers 503).
      nats: 'optional',
    }),
  ],
  controllers: [
    HealthController,
    AuthorizeController,
    UsersController,
    AuditEventsController,
    ProjectsController,
    membersController('project'),
    SpacesController,
    membersController('space'),
    TaxonomiesController,
    SecretsController,
    DataController,
    ModelsController,
    ModelArtifactsController,
    FineTuningsController,
    TrainingsController,
    AssetFilesController,
    DeploymentsController,
    ModelAssetsController,
    CustomFoundationModelsController,
    PromptsController,
    PromptSessionsController,
    NotebooksController,
    TextController,
    DeploymentTextController,
    ModelSpecsController,
    OpenAiController,
    LlamaStackController,
    SyntheticDataGenerationController,
    RewardScoringController,
    DatasetsController,
    PostTrainingController,
    MemoryBanksController,
    AgenticSystemController,
    TextExtractionsController,
    AutoAiRagsController,
    EventsController,
    AsyncApiController,
  ],
  providers: [
    grpcClient(TAXONOMY_CLIENT, 'taxonomy'),
    // Generations, k answers per prompt with judging, and reward scoring legitimately run for minutes.
    grpcClient(INFERENCE_CLIENT, 'inference', { deadline: 'long' }),
    grpcClient(SDG_CLIENT, 'sdg'),
    grpcClient(SDG_GENERATION_CLIENT, 'sdg', { deadline: 'long' }),
    grpcClient(TRAINING_CLIENT, 'training'),
    grpcClient(DEPLOYMENT_CLIENT, 'deployment'),
    grpcClient(NOTEBOOK_CLIENT, 'notebooks'),
    grpcClient(PROMPTS_CLIENT, 'prompts'),
    grpcClient(EVALUATION_CLIENT, 'evaluation', { deadline: 'long' }),
    grpcClient(AGENTS_CLIENT, 'agents', { deadline: 'long' }),
    grpcClient(DOCUMENTS_CLIENT, 'documents'),
    { provide: APP_GUARD, useClass: AuthGuard },
    // After the AuthGuard, which names the caller whose bucket a request is charged to.
    { provide: APP_GUARD, useClass: RateLimitGuard },
    rateLimitStoreProvider,
    ApiRateLimiter,
    SignInThrottle,
    SignIns,
    AuditLog,
    { provide: PUBLIC_URL, inject: [GatewayConfig.token], useFactory: (c: GatewayConfig) => c.publicUrl },
    LlamaStackModels,
    {
      provide: METRICS_REGISTRY,
      useFactory: () => createMetricsRegistry('gateway'),
    },
    UpstreamReadiness,
    TokenService,
    CredentialLiveness,
    UsersService,
    ContainersService,
    ContainerRoleQuery,
    ContainerAccessService,
    AdminBootstrap,
    EventStreams,
  ],
})
export class AppModule {}
