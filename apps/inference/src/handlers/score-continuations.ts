import { status as GrpcStatus } from '@grpc/grpc-js';
import { PlatformError } from '@platform/common';
import type { inferenceV1 } from '@platform/contracts';
import type { PromptToken } from '../backends/types';
import { callPool } from '../pools/dispatch';
import type { PoolRegistry } from '../pools/pool-registry';

const MAX_CONTINUATIONS = 32;

/**
 * Sums the log-probabilities of the tokens covering `[from, end)`: a token belongs to the continuation when it ends
 * after the context does, so a token straddling the boundary (a merge across it) is counted rather than lost.
 */
export function continuationLogprob(tokens: PromptToken[], from: number, end: number): inferenceV1.ContinuationScore {
  let logprob = 0;
  let tokenCount = 0;
  tokens.forEach((t, i) => {
    const next = i + 1 < tokens.length ? tokens[i + 1].offset : end;
    if (next <= from || t.offset >= end) return;
    // The first prompt token has no log-probability; it can only be part of a continuation of an empty context.
    logprob += t.logprob ?? 0;
    tokenCount++;
  });
  return { logprob, tokenCount };
}

/** lm-evaluation-harness's `loglikelihood(context, continuation)` over the pool's model servers. */
export async function scoreContinuations(
  pools: PoolRegistry,
  req: inferenceV1.ScoreContinuationsRequest,
  signal: AbortSignal,
): Promise<inferenceV1.ScoreContinuationsResponse> {
  if (req.continuations.length === 0) throw PlatformError.invalid('continuations must not be empty.', 'continuations');
  if (req.continuations.length > MAX_CONTINUATIONS)
    throw PlatformError.invalid(`at most ${MAX_CONTINUATIONS} continuations.`, 'continuations');
  req.continuations.forEach((c, i) => {
    if (!c) throw PlatformError.invalid('a continuation must not be empty.', `continuations[${i}]`);
  });
  const pool = pools.get(req.modelId);
  const scores = await Promise.all(
    req.continuations.map(async (continuation) => {
      const prompt = req.context + continuation;
      const tokens = await callPool(pool, signal, (r) => {
        if (!r.adapter.promptLogprobs)
          throw new PlatformError(
            GrpcStatus.FAILED_PRECONDITION,
            'prompt_logprobs_unsupported',
            `The model servers of ${req.modelId} do not return prompt log-probabilities.`,
          );
        return r.adapter.promptLogprobs(r.backendModel, prompt, signal);
      });
      return continuationLogprob(tokens, req.context.length, prompt.length);
    }),
  );
  return { modelId: req.modelId, scores };
}
