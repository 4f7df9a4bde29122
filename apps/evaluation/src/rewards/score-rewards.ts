import { status as GrpcStatus } from '@grpc/grpc-js';
import { PlatformError } from '@platform/common';
import type { evaluationV1 } from '@platform/contracts';
import type { ModelClient } from '../clients/model-client';
import { judge } from '../judge/judge';

/** A score below the valid 1–10 range: the judge gave no parseable rating (filters drop it like a bad answer). */
export const UNRATED = 0;
const MAX_PROMPTS = 64;
const MAX_GENERATIONS = 16;
const CONCURRENCY = 8;

/** The dialog as the judge reads it: a single user turn as is, a longer dialog as FastChat's "### User:" transcript. */
export function renderDialog(dialog: readonly evaluationV1.ChatMessage[]): string {
  const turns = dialog.filter((m) => m.role !== 'system');
  if (turns.length === 1) return turns[0].content;
  return turns.map((m) => `### ${m.role === 'assistant' ? 'Assistant' : m.role === 'tool' ? 'Tool' : 'User'}:\n${m.content}`).join('\n\n');
}

/**
 * Reward scores from a judge model: every generation is graded with MT-Bench's single-answer prompt (`single-v1`)
 * and its `[[rating]]` is the score, 1–10 (the Llama Stack draft leaves the scale to the reward model); a judgment
 * without a rating scores 0.
 */
export async function scoreRewards(
  client: ModelClient,
  req: evaluationV1.ScoreRewardsRequest,
  maxTokens: number,
): Promise<evaluationV1.ScoreRewardsResponse> {
  if (!req.model) throw PlatformError.invalid('model is required.', 'model');
  if (req.promptGenerations.length === 0) throw PlatformError.invalid('prompt_generations must not be empty.', 'prompt_generations');
  if (req.promptGenerations.length > MAX_PROMPTS)
    throw PlatformError.invalid(`at most ${MAX_PROMPTS} prompts per request.`, 'prompt_generations');
  req.promptGenerations.forEach((p, i) => {
    if (p.dialog.length === 0) throw PlatformError.invalid('dialog must not be empty.', `prompt_generations[${i}].dialog`);
    if (p.generations.length > MAX_GENERATIONS)
      throw PlatformError.invalid(`at most ${MAX_GENERATIONS} generations per prompt.`, `prompt_generations[${i}].k_generations`);
  });
  const jobs = req.promptGenerations.flatMap((p, i) => {
    const question = renderDialog(p.dialog);
    return p.generations.map((g, k) => ({ i, k, question, answer: g.content }));
  });
  const scored: evaluationV1.GenerationScores[] = req.promptGenerations.map((p) => ({ scores: p.generations.map(() => UNRATED) }));
  // A few judgments at once fill the model server's batch; more would only queue there.
  let next = 0;
  const worker = async () => {
    // Once the caller has gone, the judgments left would each fail at once: nobody reads them, so none is asked for.
    while (next < jobs.length && !client.signal?.aborted) {
      const job = jobs[next++];
      const j = await judge(client, req.model, 'single-v1', { question: job.question, answer: job.answer }, maxTokens);
      // A judge the inference service does not know is the caller's mistake, not an unrated answer.
      if (j.errorCode === GrpcStatus.NOT_FOUND) throw PlatformError.notFound(`Model ${req.model} is not available.`, 'model_not_found');
      scored[job.i].scores[job.k] = j.score ?? UNRATED;
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, jobs.length) }, worker));
  return { scored };
}
