import { Inject, Injectable } from '@nestjs/common';
import type { ClientGrpc } from '@nestjs/microservices';
import { servedDefaultModel } from '@platform/common';
import { INFERENCE_CLIENT } from '../inference/inference-client';
import { InferenceRpc } from '../inference/inference-rpc';
import { GatewayConfig } from '../gateway.config';

/**
 * Every model name the draft lets a client send (its enums: inference and agents `llama3_8b_chat`/`llama3_70b_chat`,
 * completions and post-training `llama3_8b`/`llama3_70b`, reward scoring `llama3_405b_reward`). A typed Llama Stack
 * client can send nothing else, so each of them must reach a model on every deployment.
 */
export const DRAFT_MODEL_NAMES: ReadonlySet<string> = new Set([
  'llama3_8b',
  'llama3_70b',
  'llama3_8b_chat',
  'llama3_70b_chat',
  'llama3_405b_reward',
]);

/** The catalog changes when replicas come and go; a short memory spares a ListModels call per request. */
const DEFAULT_TTL_MS = 10_000;

/**
 * The catalog model a Llama Stack request names: the operator's mapping (PLATFORM_LLAMA_STACK_MODELS) first; else a
 * draft name goes to the served default model (the catalog's first generating model, as SDG picks its teacher); any
 * other name is taken as a catalog id.
 */
@Injectable()
export class LlamaStackModels {
  private readonly inference: InferenceRpc;
  private servedDefault: { id: Promise<string | undefined>; until: number } | undefined;

  constructor(
    @Inject(INFERENCE_CLIENT) client: ClientGrpc,
    @Inject(GatewayConfig.token) private readonly config: GatewayConfig,
  ) {
    this.inference = new InferenceRpc(client);
  }

  async resolve(model: string): Promise<string> {
    const mapped = this.config.llamaStackModels.get(model);
    if (mapped) return mapped;
    if (!DRAFT_MODEL_NAMES.has(model)) return model;
    // An empty catalog leaves the draft name, which the inference service answers with 404 model_not_supported.
    return (await this.defaultModel()) ?? model;
  }

  private defaultModel(): Promise<string | undefined> {
    const now = Date.now();
    if (!this.servedDefault || this.servedDefault.until <= now) {
      const id = this.inference.listModels({}).then(({ models }) => servedDefaultModel(models));
      id.catch(() => (this.servedDefault = undefined));
      this.servedDefault = { id, until: now + DEFAULT_TTL_MS };
    }
    return this.servedDefault.id;
  }
}
