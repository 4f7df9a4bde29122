import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ServedModel } from '@platform/engine';
import type { ServerContext } from './context';
import { InvalidRequest, TgiError, modelNotFound, tgiValidation } from './errors';
import { type Json, asObject, isTokenIds, optBool, optString } from './http/body';
import { readMessages, renderChat } from './openai/messages';
import { resolveModel } from './openai/prompt';
import { readTools } from './openai/tools/definitions';

/**
 * POST /tokenize serves two dialects on one path: a body with `inputs` is TGI's (answering
 * `[{id,text,start,stop}]`), a body with `prompt` or `messages` is vLLM's (answering `{count, max_model_len,
 * tokens}`, or per text for a list of prompts: see batchTokenize). POST /detokenize is vLLM's.
 */
export function registerTokenize(app: FastifyInstance, ctx: ServerContext): void {
  app.post('/tokenize', { config: { dialect: 'openai' } }, async (request: FastifyRequest) => {
    const body = asObject(request.body);
    if ('inputs' in body) return tgiTokenize(ctx, body);
    return vllmTokenize(ctx, body);
  });

  app.post('/detokenize', { config: { dialect: 'openai' } }, async (request: FastifyRequest) => {
    const body = asObject(request.body);
    const model = resolveModel(ctx.models, body);
    if (!isTokenIds(body.tokens)) throw new InvalidRequest('tokens must be a list of token ids', 'tokens');
    const bad = body.tokens.find((t) => t >= model.config.vocab_size);
    if (bad !== undefined) throw new InvalidRequest(`Token id ${bad} is out of vocabulary`, 'tokens');
    return { prompt: model.decode(body.tokens, false) };
  });
}

function vllmTokenize(ctx: ServerContext, body: Json): unknown {
  const model = resolveModel(ctx.models, body);
  let tokens: number[];
  if (body.messages !== undefined) {
    const text = renderChat(model, readMessages(body.messages), body, readTools(body));
    tokens = model.encode(text, optBool(body, 'add_special_tokens') ?? false);
  } else if (Array.isArray(body.prompt)) {
    return batchTokenize(model, body);
  } else {
    const prompt = optString(body, 'prompt');
    if (prompt === undefined) throw new InvalidRequest('prompt or messages is required', 'prompt');
    tokens = model.encode(prompt, optBool(body, 'add_special_tokens') ?? true);
  }
  const strs = optBool(body, 'return_token_strs') ?? false;
  return {
    count: tokens.length,
    max_model_len: model.maxModelLen,
    tokens,
    token_strs: strs ? tokens.map((t) => model.tokenToString(t)) : null,
  };
}

/** Most texts one batch may carry: a bound on the work (and the answer's size) of a single request. */
export const TOKENIZE_BATCH_MAX = 1024;

/**
 * The engine server's addition to vLLM's /tokenize: `prompt` as a list of strings tokenizes each in one call
 * (`{results: [{count, tokens, token_strs}], max_model_len}`), so a proxy can coalesce concurrent tokenizations.
 */
function batchTokenize(model: ServedModel, body: Json): unknown {
  const prompts = body.prompt as unknown[];
  if (prompts.length === 0 || prompts.length > TOKENIZE_BATCH_MAX || !prompts.every((p) => typeof p === 'string'))
    throw new InvalidRequest(`prompt must be a string or a list of 1 to ${TOKENIZE_BATCH_MAX} strings`, 'prompt');
  const special = optBool(body, 'add_special_tokens') ?? true;
  const strs = optBool(body, 'return_token_strs') ?? false;
  return {
    max_model_len: model.maxModelLen,
    results: (prompts as string[]).map((prompt) => {
      const tokens = model.encode(prompt, special);
      return { count: tokens.length, tokens, token_strs: strs ? tokens.map((t) => model.tokenToString(t)) : null };
    }),
  };
}

function tgiTokenize(ctx: ServerContext, body: Json): unknown {
  const name = typeof body.model === 'string' ? body.model : undefined;
  const model = ctx.models.find(name);
  if (!model) throw new TgiError(404, modelNotFound(name ?? '').message, 'not_found');
  if (typeof body.inputs !== 'string') throw tgiValidation('`inputs` must be a string');
  return tokenSpans(model, body.inputs);
}

/**
 * Tokens decoded together to measure what one token adds to the text: enough for any character spread over several
 * byte tokens and for decoders that treat a text's first token apart (leading-space stripping).
 */
const SPAN_WINDOW = 16;

const codePoints = (s: string): number => {
  let n = 0;
  for (const _ of s) n++;
  return n;
};

/**
 * Each token with its character span in `inputs`. A token's text is what it adds to the decoded text, measured on the
 * few tokens before it (decoding every growing prefix of the ids, as this once did, is quadratic in their number:
 * 20,000 characters took 20 seconds).
 */
export function tokenSpans(model: ServedModel, inputs: string): { id: number; text: string; start: number; stop: number }[] {
  const ids = model.encode(inputs, true);
  const chars = Array.from(inputs);
  let start = 0;
  let decoded = 0;
  return ids.map((id, i) => {
    const from = Math.max(0, i + 1 - SPAN_WINDOW);
    decoded += codePoints(model.decode(ids.slice(from, i + 1), true)) - codePoints(model.decode(ids.slice(from, i), true));
    const stop = Math.min(chars.length, Math.max(start, decoded));
    const span = { id, text: chars.slice(start, stop).join(''), start, stop };
    start = stop;
    return span;
  });
}
