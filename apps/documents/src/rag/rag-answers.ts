import type { StorageContainer } from '@platform/common';
import {
  buildRagPrompt,
  DEFAULT_PROMPT_TEMPLATE,
  scoreQuestion,
  type AnsweredQuestion,
  type RagPatternPlan,
  type RetrievedContext,
} from './evaluation';
import type { RagExperimentEntity } from './rag-experiment.entity';
import { RagFailure } from './rag-failure';
import { textGenParameters } from './rag-generation-parameters';
import type { RagInference } from './rag-inference';

/** A pattern's answers: each test question's prompt fitted to the model's window, generated, and scored. */
export async function answerQuestions(
  inference: RagInference,
  job: Pick<RagExperimentEntity, 'questions'>,
  c: StorageContainer,
  plan: RagPatternPlan,
  retrieved: readonly RetrievedContext[][],
  o: { contextWindow: number; parameters: Record<string, unknown>; signal: AbortSignal },
): Promise<AnsweredQuestion[]> {
  const maxNewTokens = Number(o.parameters.max_new_tokens);
  const answered: AnsweredQuestion[] = [];
  for (const [q, question] of job.questions.entries()) {
    o.signal.throwIfAborted();
    const prompt = await buildRagPrompt({
      template: DEFAULT_PROMPT_TEMPLATE,
      question: question.question,
      contexts: retrieved[q] ?? [],
      contextWindow: o.contextWindow,
      maxNewTokens,
      countTokens: (texts) => inference.countTokens(plan.foundation_model, c, texts, o.signal),
    });
    if (!prompt.fits)
      throw new RagFailure(
        'prompt_too_long',
        `test question ${q} does not fit the context window of ${plan.foundation_model} (${o.contextWindow} tokens) with ${maxNewTokens} new tokens.`,
      );
    const answer = (await inference.generate(plan.foundation_model, c, prompt.prompt, textGenParameters(o.parameters), o.signal)).trim();
    // faithfulness reads what the model was shown (the chunks that fit the prompt); context_correctness ranks what the
    // retrieval returned, as stage 1 scored it, so a small context window does not lower it.
    const scores = scoreQuestion(question, answer, prompt.contexts, retrieved[q] ?? []);
    answered.push({ question, answer, contexts: prompt.contexts, scores });
  }
  return answered;
}
