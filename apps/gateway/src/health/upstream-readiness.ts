import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { ClientGrpc } from '@nestjs/microservices';
import { ReadinessRegistry } from '@platform/common';
import { healthV1 } from '@platform/contracts';
import { lastValueFrom } from 'rxjs';
import { INFERENCE_CLIENT } from '../inference/inference-client';
import { TAXONOMY_CLIENT } from '../taxonomies/taxonomies.controller';
import { SDG_CLIENT } from '../data/data.controller';
import { TRAINING_CLIENT } from '../models/models.controller';
import { EVALUATION_CLIENT } from '../llama-stack/reward-scoring.controller';
import { DEPLOYMENT_CLIENT } from '../deployments/deployment-client';
import { PROMPTS_CLIENT } from '../prompts/prompts-client';
import { NOTEBOOK_CLIENT } from '../notebooks/notebook-client';
import { AGENTS_CLIENT } from '../llama-stack/agents-client';
import { DOCUMENTS_CLIENT } from '../documents/documents-client';
import { GatewayConfig } from '../gateway.config';

async function serving(client: ClientGrpc): Promise<void> {
  const health = client.getService<healthV1.HealthClient>(healthV1.HEALTH_SERVICE_NAME);
  const res = await lastValueFrom(health.check({ service: '' }));
  if (res.status !== healthV1.HealthCheckResponse_ServingStatus.SERVING) throw new Error(`not serving (${res.status})`);
}

async function answers(url: string): Promise<void> {
  const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
  if (res.status !== 200) throw new Error(`not healthy (${res.status})`);
}

/**
 * The gateway is ready when its database (checked by the platform module) and every service behind it are; in the
 * embedded default also the engine server the launcher runs (a supervised process restarting after a crash).
 */
@Injectable()
export class UpstreamReadiness implements OnModuleInit {
  constructor(
    private readonly registry: ReadinessRegistry,
    @Inject(TAXONOMY_CLIENT) private readonly taxonomy: ClientGrpc,
    @Inject(INFERENCE_CLIENT) private readonly inference: ClientGrpc,
    @Inject(SDG_CLIENT) private readonly sdg: ClientGrpc,
    @Inject(TRAINING_CLIENT) private readonly training: ClientGrpc,
    @Inject(EVALUATION_CLIENT) private readonly evaluation: ClientGrpc,
    @Inject(DEPLOYMENT_CLIENT) private readonly deployment: ClientGrpc,
    @Inject(PROMPTS_CLIENT) private readonly prompts: ClientGrpc,
    @Inject(NOTEBOOK_CLIENT) private readonly notebooks: ClientGrpc,
    @Inject(AGENTS_CLIENT) private readonly agents: ClientGrpc,
    @Inject(DOCUMENTS_CLIENT) private readonly documents: ClientGrpc,
    @Inject(GatewayConfig.token) private readonly config: Pick<GatewayConfig, 'engineHealthUrl'>,
  ) {}

  onModuleInit(): void {
    this.registry.add('taxonomy', () => serving(this.taxonomy));
    this.registry.add('inference', () => serving(this.inference));
    this.registry.add('sdg', () => serving(this.sdg));
    this.registry.add('training', () => serving(this.training));
    this.registry.add('evaluation', () => serving(this.evaluation));
    this.registry.add('deployment', () => serving(this.deployment));
    this.registry.add('prompts', () => serving(this.prompts));
    this.registry.add('notebooks', () => serving(this.notebooks));
    this.registry.add('agents', () => serving(this.agents));
    this.registry.add('documents', () => serving(this.documents));
    const engine = this.config.engineHealthUrl;
    if (engine) this.registry.add('engine-server', () => answers(engine));
  }
}
