import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../context';

/** GET /v1/models in vLLM's ModelCard shape. */
export function registerModels(app: FastifyInstance, ctx: ServerContext): void {
  const created = Math.floor(Date.now() / 1000);
  app.get('/v1/models', { config: { dialect: 'openai' } }, async () => ({
    object: 'list',
    data: ctx.models.all.map((m) => ({
      id: m.id,
      object: 'model',
      created,
      owned_by: 'vllm',
      root: m.id,
      parent: null,
      max_model_len: m.maxModelLen,
      permission: [
        {
          id: `modelperm-${m.id}`,
          object: 'model_permission',
          created,
          allow_create_engine: false,
          allow_sampling: true,
          allow_logprobs: true,
          allow_search_indices: false,
          allow_view: true,
          allow_fine_tuning: false,
          organization: '*',
          group: null,
          is_blocking: false,
        },
      ],
    })),
  }));
}
