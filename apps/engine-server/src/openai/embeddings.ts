import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { EngineOverloadedError } from '@platform/engine';
import type { ServerContext } from '../context';
import { InvalidRequest, openAIOverloaded } from '../errors';
import { asObject, optBool, optInt, optString } from '../http/body';
import { responseId, unixNow } from './choices';
import { checkDimensions, shorten } from './embedding-dimensions';
import { promptCount, readPrompts, resolveModel } from './prompt';

/** OpenAI's documented limit on one request's input array (vLLM has none). */
const MAX_EMBEDDING_INPUTS = 2048;

/**
 * POST /v1/embeddings: mean-pooled, normalised hidden states, as floats or base64 little-endian float32; `dimensions`
 * shortens them on matryoshka models (see embedding-dimensions.ts).
 */
export function registerEmbeddings(app: FastifyInstance, ctx: ServerContext): void {
  app.post('/v1/embeddings', { config: { dialect: 'openai' } }, async (request: FastifyRequest, reply: FastifyReply) => {
    const body = asObject(request.body);
    const model = resolveModel(ctx.models, body);
    const format = optString(body, 'encoding_format') ?? 'float';
    if (format !== 'float' && format !== 'base64')
      throw new InvalidRequest(`encoding_format must be "float" or "base64", got ${JSON.stringify(format)}`, 'encoding_format');
    const dimensions = checkDimensions(model, optInt(body, 'dimensions'));
    const truncate = optInt(body, 'truncate_prompt_tokens', { min: 1 });
    // Counted before any is tokenized: each input is a sequence with its own state until the batch ends.
    const count = promptCount(body.input);
    if (count > MAX_EMBEDDING_INPUTS)
      throw new InvalidRequest(`input holds ${count} items; at most ${MAX_EMBEDDING_INPUTS} are embedded per request.`, 'input');
    const inputs = readPrompts(model, body.input, optBool(body, 'add_special_tokens') ?? true, truncate, 'input');
    for (const input of inputs)
      if (input.ids.length >= model.maxModelLen)
        throw new InvalidRequest(
          `This model's maximum context length is ${model.maxModelLen} tokens. However, you requested ${input.ids.length} tokens in the input for embedding generation. Please reduce the length of the input.`,
          'input',
        );
    const inference = ctx.begin('openai', reply, performance.now());
    let vectors: number[][];
    try {
      vectors = await model.embed(
        inputs.map((i) => i.ids),
        inference.signal,
      );
      if (dimensions !== undefined) vectors = vectors.map((v) => shorten(v, dimensions));
    } catch (err) {
      if (err instanceof EngineOverloadedError) throw openAIOverloaded();
      throw err;
    } finally {
      inference.finish();
    }
    const promptTokens = inputs.reduce((a, i) => a + i.ids.length, 0);
    return {
      id: responseId('embd'),
      object: 'list',
      created: unixNow(),
      model: model.id,
      data: vectors.map((v, index) => ({
        index,
        object: 'embedding',
        embedding: format === 'base64' ? Buffer.from(new Float32Array(v).buffer).toString('base64') : v,
      })),
      usage: { prompt_tokens: promptTokens, total_tokens: promptTokens, completion_tokens: 0, prompt_tokens_details: null },
    };
  });
}
