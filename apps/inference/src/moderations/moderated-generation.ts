import { inferenceV1 } from '@platform/contracts';
import { checkInput, UNSUITABLE_INPUT } from './input-check';
import { moderateOutput } from './output-holdback';
import { moderationPolicy } from './policy';
import type { HapScorer } from './types';

type Result = inferenceV1.GenerationResult;

export interface ModerationDeps {
  scorer: HapScorer;
  /** The input's token count for a rejected request (the model server's tokenizer; no generation runs). */
  countInputTokens(signal: AbortSignal): Promise<number>;
}

/**
 * `generate()` itself when the request switches no moderation on (most do), else `moderatedGeneration`: one async
 * generator less for every item of an unmoderated generation to pass through.
 */
export function withModerations(
  req: { input: string; moderations?: inferenceV1.Moderations | null },
  deps: ModerationDeps,
  signal: AbortSignal,
  generate: () => AsyncGenerator<Result>,
): AsyncGenerator<Result> {
  return moderationPolicy(req.moderations) ? moderatedGeneration(req, deps, signal, generate) : generate();
}

/**
 * A generation with the request's moderations applied. Input moderation runs first: when it finds anything the
 * model is not called and the one result is watsonx's answer to unsuitable input: no text, no stop reason (empty),
 * the findings with `input: true`, and the UNSUITABLE_INPUT warning. Otherwise the output goes through
 * `moderateOutput` when an output moderation is on. Without moderations the stream passes through untouched.
 */
export async function* moderatedGeneration(
  req: { input: string; moderations?: inferenceV1.Moderations | null },
  deps: ModerationDeps,
  signal: AbortSignal,
  generate: () => AsyncGenerator<Result>,
): AsyncGenerator<Result> {
  const policy = moderationPolicy(req.moderations);
  if (!policy) return yield* generate();
  const found = await checkInput(req.input, policy, deps.scorer, signal);
  if (found.hap.length || found.pii.length) {
    const inputTokenCount = await deps.countInputTokens(signal).catch(() => 0);
    yield {
      inputTokens: [],
      generatedText: '',
      generatedTokenCount: 0,
      inputTokenCount,
      stopReason: '',
      stop: inferenceV1.StopReason.STOP_REASON_UNSPECIFIED,
      generatedTokens: [],
      inputText: '',
      moderations: found,
      warnings: [UNSUITABLE_INPUT],
    };
    return;
  }
  if (!policy.hap.output && !policy.pii.output) return yield* generate();
  yield* moderateOutput(generate(), policy, deps.scorer, signal);
}
