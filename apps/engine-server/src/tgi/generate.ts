import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type GenerationEvent, InvalidConstraintError } from '@platform/engine';
import type { Inference, ServerContext } from '../context';
import { TgiError, tgiValidation } from '../errors';
import type { Sequence } from '../generation';
import { asObject } from '../http/body';
import { SseWriter } from '../http/sse';
import { type TgiRequest, parseTgiRequest } from './params';
import { type TgiFinishReason, type TgiToken, eventTokens, prefillTokens, tgiFinishReason } from './tokens';

/** TGI's native generation API: POST /generate, POST /generate_stream, and POST / dispatching on `stream`. */
export function registerTgiGenerate(app: FastifyInstance, ctx: ServerContext): void {
  const handle = (streaming: boolean) => async (request: FastifyRequest, reply: FastifyReply) => {
    const arrival = performance.now();
    const req = parseTgiRequest(ctx.models, request.body, streaming);
    await attachGrammar(req);
    let inference: Inference;
    try {
      inference = ctx.begin('tgi', reply, arrival);
    } catch (err) {
      req.params.constraint?.release();
      throw err;
    }
    try {
      const [sequence] = await inference.start(req.model, [{ promptTokenIds: req.promptIds, params: req.params }]);
      if (streaming) return await stream(reply, req, sequence);
      return await generate(reply, req, sequence, arrival);
    } finally {
      inference.finish();
    }
  };
  const config = { config: { dialect: 'tgi' } };
  app.post('/generate', config, handle(false));
  app.post('/generate_stream', config, handle(true));
  app.post('/', config, async (request, reply) => {
    const streaming = asObject(request.body).stream === true;
    return handle(streaming)(request, reply);
  });
}

/** Compiles `parameters.grammar` into the sequence's constraint; one the engine cannot compile is TGI's 422. */
async function attachGrammar(req: TgiRequest): Promise<void> {
  if (!req.grammar) return;
  try {
    req.params.constraint = await req.model.createConstraint(req.grammar);
  } catch (err) {
    if (err instanceof InvalidConstraintError) throw tgiValidation(`grammar is not valid: ${err.message}`);
    throw err;
  }
}

async function generate(reply: FastifyReply, req: TgiRequest, sequence: Sequence, arrival: number): Promise<unknown> {
  const tokens: TgiToken[] = [];
  const topTokens: TgiToken[][] = [];
  let text = '';
  let last: GenerationEvent | undefined;
  let prefill: ReturnType<typeof prefillTokens> = [];
  let first = true;
  for await (const event of sequence) {
    if (first && req.decoderInputDetails) prefill = prefillTokens(req.model, req.promptIds, event.promptLogprobs);
    first = false;
    for (const t of eventTokens(req.model, event)) {
      tokens.push(t.token);
      topTokens.push(t.top);
    }
    text += event.text;
    last = event;
  }
  if (reply.raw.destroyed) return reply.hijack();
  if (!last?.finishReason || last.finishReason === 'abort') throw new TgiError(500, 'Incomplete generation', 'incomplete_generation');
  const totalMs = performance.now() - arrival;
  reply.headers({
    'x-compute-type': 'engine',
    'x-compute-characters': String(req.inputs.length),
    'x-total-time': String(Math.round(totalMs)),
    'x-time-per-token': String(Math.round(totalMs / Math.max(1, tokens.length))),
    'x-prompt-tokens': String(req.promptIds.length),
    'x-generated-tokens': String(tokens.length),
  });
  const generated_text = req.returnFullText ? req.inputs + text : text;
  if (!req.details) return { generated_text };
  const details: Record<string, unknown> = {
    finish_reason: tgiFinishReason(last),
    generated_tokens: last.completionTokens,
    seed: req.seed,
    prefill,
    tokens,
  };
  if (req.topNTokens > 0) details.top_tokens = topTokens;
  return { generated_text, details };
}

async function stream(reply: FastifyReply, req: TgiRequest, sequence: Sequence): Promise<void> {
  reply.hijack();
  const sse = new SseWriter(reply.raw, false);
  sse.open();
  let index = 0;
  let text = '';
  try {
    for await (const event of sequence) {
      if (sse.closed) break;
      text += event.text;
      if (event.finishReason === 'abort') throw new TgiError(500, 'Incomplete generation', 'incomplete_generation');
      const tokens = eventTokens(req.model, event);
      for (let k = 0; k < tokens.length; k++) {
        const isLast = event.finishReason !== undefined && k === tokens.length - 1;
        const frame: Record<string, unknown> = { index: ++index, token: tokens[k].token };
        if (req.topNTokens > 0) frame.top_tokens = tokens[k].top;
        frame.generated_text = isLast ? (req.returnFullText ? req.inputs + text : text) : null;
        frame.details =
          isLast && req.details
            ? {
                finish_reason: tgiFinishReason(event) as TgiFinishReason,
                generated_tokens: event.completionTokens,
                seed: req.seed,
                input_length: req.promptIds.length,
              }
            : null;
        await sse.send(frame);
      }
    }
  } catch (err) {
    const e = err instanceof TgiError ? err : new TgiError(424, err instanceof Error ? err.message : String(err), 'generation');
    await sse.send(e.toBody());
  }
  sse.end();
}
