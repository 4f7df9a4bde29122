import type { FastifyInstance } from 'fastify';
import { type ServedModel, llamaTensorShapes } from '@platform/engine';
import type { ServerContext } from '../context';

/** The model's weight count, from the tensor shapes its config implies (a tied output layer counts once). */
export function parameterCount(model: ServedModel): number {
  let total = 0;
  for (const shape of llamaTensorShapes(model.config).values()) total += shape.reduce((a, b) => a * b, 1);
  return total;
}

/**
 * GET /v1/models in vLLM's ModelCard shape, plus `parameter_count` (vLLM has no such field; the platform's catalog
 * reports it as watsonx `number_params`).
 */
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
      parameter_count: parameterCount(m),
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
