import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ServedModel } from '@platform/engine';
import type { Inference, ServerContext } from '../context';
import type { Sequence } from '../generation';
import type { ChoicePlan } from './choices';
import { attachConstraints, releaseConstraints } from './constraints';
import type { OpenAISampling } from './sampling';
import type { RequestedConstraint } from './structured-output';

/** What the completions and chat endpoints parse a body into: enough to start the sequences of every choice. */
export interface GenerationRequest {
  model: ServedModel;
  sampling: OpenAISampling;
  plans: ChoicePlan[];
  /** Structured output or a tool choice's call syntax: compiled once the body is known to be valid. */
  constraint?: RequestedConstraint;
}

export interface GenerationEndpoint<R extends GenerationRequest> {
  parse(ctx: ServerContext, body: unknown): R;
  collect(reply: FastifyReply, req: R, sequences: Sequence[]): Promise<unknown>;
  stream(reply: FastifyReply, req: R, sequences: Sequence[]): Promise<void>;
}

/** Registers an OpenAI generation endpoint: admission, one sequence per choice, then a streamed or whole answer. */
export function registerGenerationRoute<R extends GenerationRequest>(
  app: FastifyInstance,
  ctx: ServerContext,
  path: string,
  endpoint: GenerationEndpoint<R>,
): void {
  app.post(path, { config: { dialect: 'openai' } }, async (request: FastifyRequest, reply: FastifyReply) => {
    const arrival = performance.now();
    const req = endpoint.parse(ctx, request.body);
    await attachConstraints(req.model, req.plans, req.constraint);
    let inference: Inference;
    try {
      inference = ctx.begin('openai', reply, arrival);
    } catch (err) {
      releaseConstraints(req.plans);
      throw err;
    }
    try {
      const sequences = await inference.start(
        req.model,
        req.plans.map((p) => ({ promptTokenIds: p.promptTokenIds, params: p.params })),
      );
      if (req.sampling.stream) return await endpoint.stream(reply, req, sequences);
      return await endpoint.collect(reply, req, sequences);
    } finally {
      inference.finish();
    }
  });
}
