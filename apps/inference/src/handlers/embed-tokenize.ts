import { PlatformError } from '@platform/common';
import type { inferenceV1 } from '@platform/contracts';
import type { EmbedCoalescer } from '../pools/embed-coalescer';
import type { PoolRegistry } from '../pools/pool-registry';
import type { TokenizeCoalescer } from '../pools/tokenize-coalescer';

export async function embed(
  pools: PoolRegistry,
  coalescer: EmbedCoalescer,
  req: inferenceV1.EmbedRequest,
  signal: AbortSignal,
): Promise<inferenceV1.EmbedResponse> {
  if (req.inputs.length === 0) throw PlatformError.invalid('inputs must not be empty.', 'inputs');
  const pool = pools.get(req.modelId);
  if (req.dimensions !== undefined && req.dimensions < 1) throw PlatformError.invalid('dimensions must be at least 1.', 'dimensions');
  const res = await coalescer.embed(pool, req.inputs, req.truncateInputTokens, signal, req.dimensions);
  return {
    modelId: req.modelId,
    createdAt: new Date().toISOString(),
    results: res.vectors.map((embedding, i) => ({ embedding, input: req.returnInputText ? req.inputs[i] : '' })),
    inputTokenCount: res.promptTokens,
  };
}

function cosine(a: number[], b: number[]): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return na && nb ? dot / Math.sqrt(na * nb) : 0;
}

/**
 * Reranking with an embedding model: the query and the inputs are embedded in one backend batch (coalesced with
 * concurrent embedding requests) and scored by
 * cosine similarity, best first.
 */
export async function rerank(
  pools: PoolRegistry,
  coalescer: EmbedCoalescer,
  req: inferenceV1.RerankRequest,
  signal: AbortSignal,
): Promise<inferenceV1.RerankResponse> {
  if (req.inputs.length === 0) throw PlatformError.invalid('inputs must not be empty.', 'inputs');
  if (!req.query) throw PlatformError.invalid('query must not be empty.', 'query');
  const pool = pools.get(req.modelId);
  const res = await coalescer.embed(pool, [req.query, ...req.inputs], req.truncateInputTokens, signal);
  const [query, ...docs] = res.vectors;
  const ranked = docs
    .map((v, index) => ({ index, score: cosine(query, v), input: req.returnInputs ? req.inputs[index] : '' }))
    .sort((a, b) => b.score - a.score);
  return {
    modelId: req.modelId,
    createdAt: new Date().toISOString(),
    results: req.topN > 0 ? ranked.slice(0, req.topN) : ranked,
    inputTokenCount: res.promptTokens,
    query: req.returnQuery ? req.query : '',
  };
}

export async function tokenize(
  pools: PoolRegistry,
  coalescer: TokenizeCoalescer,
  req: inferenceV1.TokenizeRequest,
  signal: AbortSignal,
): Promise<inferenceV1.TokenizeResponse> {
  const pool = pools.get(req.modelId);
  const res = await coalescer.tokenize(pool, req.input, signal);
  return { modelId: req.modelId, tokenCount: res.count, tokens: req.returnTokens ? res.tokens : [] };
}

/**
 * The catalog's raw material: what each pool can do and how many replicas it has. A deployment's own pool is left out
 * unless `includeDeployments` asks for it (then it names its deployment): it is reached through the deployment's routes.
 */
export function listModels(pools: PoolRegistry, req: inferenceV1.ListModelsRequest = {}): inferenceV1.ListModelsResponse {
  const listed = req.includeDeployments ? pools.list() : pools.list().filter((p) => p.deploymentId === undefined);
  return {
    models: listed.map((p) => {
      const kinds = new Set(p.replicas.map((r) => r.adapter.kind));
      return {
        modelId: p.modelId,
        functions: ['text_generation', 'text_chat', ...(kinds.has('openai') ? ['embedding', 'rerank'] : []), 'tokenization'],
        maxSequenceLength: p.maxModelLen ?? 0,
        replicas: p.replicas.length,
        healthyReplicas: p.healthyCount,
        provider: kinds.has('tgi') && !kinds.has('openai') ? 'text-generation-inference' : 'platform',
        parameterCount: p.parameterCount,
        ...(p.deploymentId !== undefined ? { deploymentId: p.deploymentId } : {}),
      };
    }),
  };
}
