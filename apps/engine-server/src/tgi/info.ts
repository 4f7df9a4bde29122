import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../context';
import { ENGINE_SERVER_VERSION } from '../version';
import { TGI_LIMITS } from './params';

/** GET /info, TGI's description of the (default) served model and the router's limits. */
export function registerTgiInfo(app: FastifyInstance, ctx: ServerContext): void {
  app.get('/info', { config: { dialect: 'tgi' } }, async () => {
    const model = ctx.models.default;
    return {
      model_id: model.id,
      model_sha: null,
      model_pipeline_tag: 'text-generation',
      model_dtype: 'float32',
      model_device_type: 'cpu',
      max_concurrent_requests: ctx.maxConcurrentRequests,
      max_best_of: TGI_LIMITS.maxBestOf,
      max_stop_sequences: TGI_LIMITS.maxStopSequences,
      max_input_tokens: model.maxModelLen - 1,
      max_total_tokens: model.maxModelLen,
      validation_workers: 1,
      max_client_batch_size: 4,
      router: 'text-generation-router',
      version: ENGINE_SERVER_VERSION,
      sha: null,
      docker_label: null,
    };
  });
}
