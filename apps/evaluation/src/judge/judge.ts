import type { ModelClient } from '../clients/model-client';
import { chatBudget } from '../benchmarks/mt-bench/context-budget';
import { judgeMessages, type JudgePromptName } from './judge-prompts';
import { parseRating } from './rating';

export interface Judgment {
  prompt: JudgePromptName;
  judgment: string;
  /** 1–10, or undefined when the judge gave no parseable verdict or the call failed. */
  score?: number;
  error?: string;
  /** The gRPC status of a failed judge call. */
  errorCode?: number;
}

/** FastChat judges with temperature 0 and a long budget; the budget is configurable for CPU judges. */
export async function judge(
  client: ModelClient,
  judgeModel: string,
  prompt: JudgePromptName,
  fields: Record<string, string>,
  maxTokens: number,
): Promise<Judgment> {
  try {
    const messages = judgeMessages(prompt, fields);
    const budget = await chatBudget(client, judgeModel, messages, maxTokens);
    if (budget === undefined) return { prompt, judgment: '', error: "the judge prompt does not fit the judge model's context" };
    const judgment = await client.chat(judgeModel, messages, { maxTokens: budget, temperature: 0 });
    const score = parseRating(judgment);
    return score === undefined ? { prompt, judgment, error: 'no [[rating]] in the judgment' } : { prompt, judgment, score };
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    return { prompt, judgment: '', error: (err as Error).message, errorCode: typeof code === 'number' ? code : undefined };
  }
}
