import { status as GrpcStatus } from '@grpc/grpc-js';
import { PlatformError } from '@platform/common';
import { inferenceV1 } from '@platform/contracts';
import { BackendError } from '../backends/backend-error';
import type { CompletionDelta, CompletionParams } from '../backends/types';
import { streamPool } from '../pools/dispatch';
import type { PoolRegistry } from '../pools/pool-registry';
import type { Replica } from '../pools/replica';
import { withTimeLimit } from './time-limit';

type Result = inferenceV1.GenerationResult;
const S = inferenceV1.StopReason;

/** A result with no text: the last item of a stream that ended for `stop` rather than with the model's own finish. */
function ending(stop: inferenceV1.StopReason, generatedTokenCount: number, inputTokenCount: number): Result {
  return {
    inputTokens: [],
    generatedText: '',
    generatedTokenCount,
    inputTokenCount,
    stopReason: '',
    stop,
    generatedTokens: [],
    inputText: '',
    moderations: undefined,
    warnings: [],
  };
}

/** `logit_bias_json` (set by the OpenAI completions route, checked there) as the object the backends take. */
function logitBias(json: string | undefined): Record<string, number> | undefined {
  if (!json) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    value = undefined;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value) || !Object.values(value).every((b) => typeof b === 'number'))
    throw PlatformError.invalid('logit_bias must be an object of token ids to numbers.', 'logit_bias');
  return Object.keys(value).length ? (value as Record<string, number>) : undefined;
}

/** watsonx defaults: greedy decoding, 20 new tokens, stop sequences included in the output. */
export function completionParams(input: string, p: inferenceV1.TextGenParameters | undefined): CompletionParams {
  const ro = p?.returnOptions;
  const wantsTokens = !!ro && (ro.generatedTokens || ro.tokenLogprobs || ro.tokenRanks || ro.topNTokens > 0);
  if (ro && ro.topNTokens > 5)
    throw PlatformError.invalid('return_options.top_n_tokens must be at most 5.', 'parameters.return_options.top_n_tokens');
  return {
    prompt: input,
    maxTokens: p?.maxNewTokens ?? 20,
    minTokens: p?.minNewTokens,
    greedy: (p?.decodingMethod || 'greedy') === 'greedy',
    temperature: p?.temperature,
    topP: p?.topP,
    topK: p?.topK,
    seed: p?.randomSeed,
    repetitionPenalty: p?.repetitionPenalty,
    frequencyPenalty: p?.frequencyPenalty,
    presencePenalty: p?.presencePenalty,
    stop: p?.stopSequences ?? [],
    includeStop: p?.includeStopSequence ?? true,
    logprobs: wantsTokens ? (ro?.topNTokens ?? 0) : undefined,
    truncatePromptTokens: p?.truncateInputTokens,
    logitBias: logitBias(p?.logitBiasJson),
  };
}

/**
 * The prompt's tokens for `return_options.input_tokens`, from the replica that generates: OpenAI-dialect servers
 * echo the prompt with its log-probabilities (ranks and alternatives too); TGI's /tokenize gives the texts only.
 */
async function inputTokensOf(
  r: Replica,
  prompt: string,
  ro: inferenceV1.ReturnOptions,
  signal: AbortSignal,
): Promise<inferenceV1.GeneratedToken[]> {
  if (!r.adapter.promptLogprobs) {
    const tokenized = await r.adapter.tokenize(r.backendModel, prompt, signal);
    return tokenized.tokens.map((text) => ({ text, topTokens: [] }));
  }
  const tokens = await r.adapter.promptLogprobs(r.backendModel, prompt, signal, ro.topNTokens);
  return tokens.map((t) => ({
    text: t.text,
    logprob: ro.tokenLogprobs ? t.logprob : undefined,
    rank: ro.tokenRanks ? t.rank : undefined,
    topTokens: (t.top ?? []).slice(0, ro.topNTokens).map((c) => ({ text: c.text, logprob: ro.tokenLogprobs ? c.logprob : undefined })),
  }));
}

function tokensFor(delta: CompletionDelta, ro: inferenceV1.ReturnOptions | undefined): inferenceV1.GeneratedToken[] {
  if (!ro || !(ro.generatedTokens || ro.tokenLogprobs || ro.topNTokens > 0 || ro.tokenRanks)) return [];
  return delta.tokens.map((t) => {
    const rank = t.top.findIndex((c) => c.text === t.text);
    return {
      text: t.text,
      logprob: ro.tokenLogprobs ? t.logprob : undefined,
      rank: ro.tokenRanks && rank >= 0 ? rank + 1 : undefined,
      topTokens:
        ro.topNTokens > 0
          ? t.top.slice(0, ro.topNTokens).map((c) => ({ text: c.text, logprob: ro.tokenLogprobs ? c.logprob : undefined }))
          : [],
    };
  });
}

/**
 * The watsonx view of a generation as it streams: each item is the new text with running counts, the last one
 * carries the stop reason. A failure after the first item becomes a final item stopped by STOP_REASON_ERROR.
 */
export async function* generateStream(pools: PoolRegistry, req: inferenceV1.GenerateRequest, signal: AbortSignal): AsyncGenerator<Result> {
  const pool = pools.get(req.modelId);
  const params = completionParams(req.input, req.parameters);
  const ro = req.parameters?.returnOptions;
  const limited = withTimeLimit(signal, req.parameters?.timeLimit ?? 0);
  let generated = 0;
  let inputCount = 0;
  let first = true;
  let finished = false;
  try {
    let inputTokens: inferenceV1.GeneratedToken[] = [];
    // Read on the replica that generates, within the same admission slot, before its first delta.
    const withInputTokens = async function* (r: Replica, input: inferenceV1.ReturnOptions): AsyncGenerator<CompletionDelta> {
      inputTokens = await inputTokensOf(r, req.input, input, limited.signal);
      yield* r.adapter.completionStream(r.backendModel, params, limited.signal);
    };
    // Without input tokens the adapter's stream is used as is: one generator less for every delta to pass through.
    const open = (r: Replica): AsyncIterable<CompletionDelta> =>
      ro?.inputTokens ? withInputTokens(r, ro) : r.adapter.completionStream(r.backendModel, params, limited.signal);
    const deltas = streamPool(pool, limited.signal, open);
    for await (const d of deltas) {
      generated = d.completionTokens ?? generated + Math.max(1, d.tokens.length);
      inputCount = d.promptTokens ?? inputCount;
      finished = d.finish !== undefined;
      const result: Result = {
        inputTokens: first ? inputTokens : [],
        generatedText: d.text,
        generatedTokenCount: generated,
        inputTokenCount: inputCount,
        stopReason: '',
        stop: d.finish ?? S.STOP_REASON_NOT_FINISHED,
        seed: d.seed ?? params.seed,
        generatedTokens: tokensFor(d, ro),
        inputText: first && ro?.inputText ? req.input : '',
        moderations: undefined,
        warnings: [],
      };
      first = false;
      yield result;
    }
    if (!finished) throw new BackendError('the model server ended the stream early', true);
  } catch (err) {
    if (limited.timedOut()) {
      yield ending(S.STOP_REASON_TIME_LIMIT, generated, inputCount);
      return;
    }
    if (signal.aborted) throw new PlatformError(GrpcStatus.CANCELLED, 'cancelled', 'The request was cancelled.');
    if (first || !(err instanceof BackendError)) throw err;
    yield ending(S.STOP_REASON_ERROR, generated, inputCount);
  } finally {
    limited.dispose();
  }
}

/** The unary call is the stream folded into one result, so time limits, partial output and moderations behave the same. */
export async function foldGeneration(items: AsyncIterable<Result>): Promise<Result> {
  const acc = ending(S.STOP_REASON_NOT_FINISHED, 0, 0);
  for await (const r of items) {
    acc.generatedText += r.generatedText;
    acc.generatedTokenCount = r.generatedTokenCount;
    acc.inputTokenCount = r.inputTokenCount || acc.inputTokenCount;
    acc.stop = r.stop;
    acc.seed = r.seed ?? acc.seed;
    acc.generatedTokens.push(...r.generatedTokens);
    acc.inputTokens.push(...r.inputTokens);
    acc.inputText ||= r.inputText;
    if (r.moderations) {
      acc.moderations ??= { hap: [], pii: [] };
      acc.moderations.hap.push(...r.moderations.hap);
      acc.moderations.pii.push(...r.moderations.pii);
    }
    for (const w of r.warnings ?? []) if (!acc.warnings.some((x) => x.id === w.id)) acc.warnings.push(w);
  }
  if (acc.stop === S.STOP_REASON_ERROR)
    throw new PlatformError(GrpcStatus.UNAVAILABLE, 'service_unavailable', 'The model server failed while generating; try again.');
  return acc;
}
