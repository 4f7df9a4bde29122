import { randomUUID } from 'node:crypto';
import type { GenerationEvent, SamplingParams } from '@platform/engine';
import { InvalidRequest } from '../errors';

/** One choice of an OpenAI response: which prompt it continues and with which parameters. */
export interface ChoicePlan {
  index: number;
  promptIndex: number;
  promptTokenIds: number[];
  params: SamplingParams;
}

export interface Usage {
  prompt_tokens: number;
  total_tokens: number;
  completion_tokens: number;
  prompt_tokens_details: null;
}

/** Token accounting across choices: each prompt counts once however many choices continue it. */
export class UsageCounter {
  private readonly prompt = new Map<number, number>();
  private readonly completion = new Map<number, number>();

  constructor(plans: ChoicePlan[]) {
    for (const p of plans) {
      this.prompt.set(p.promptIndex, p.promptTokenIds.length);
      this.completion.set(p.index, 0);
    }
  }

  observe(plan: ChoicePlan, event: GenerationEvent): void {
    this.prompt.set(plan.promptIndex, event.promptTokens);
    this.completion.set(plan.index, event.completionTokens);
  }

  get usage(): Usage {
    const sum = (m: Map<number, number>): number => [...m.values()].reduce((a, b) => a + b, 0);
    const prompt_tokens = sum(this.prompt);
    const completion_tokens = sum(this.completion);
    return { prompt_tokens, total_tokens: prompt_tokens + completion_tokens, completion_tokens, prompt_tokens_details: null };
  }
}

export const responseId = (prefix: string): string => `${prefix}-${randomUUID().replace(/-/g, '')}`;

export const unixNow = (): number => Math.floor(Date.now() / 1000);

/**
 * More sequences than the engine queues at once could never start together: a 400, not a 429 to retry. Checked
 * before any prompt is tokenized or choice planned (n alone would size the plan list).
 */
export function refuseTooManySequences(prompts: number, n: number, maxSequences: number): void {
  const sequences = prompts * n;
  if (sequences > maxSequences)
    throw new InvalidRequest(
      `n=${n} for ${prompts} prompt(s) asks for ${sequences} sequences; this server runs at most ${maxSequences} per request.`,
      'n',
    );
}

/** Plans n choices for each prompt; choice index = prompt index * n + i, as vLLM numbers them. */
export function planChoices(
  prompts: number[][],
  n: number,
  paramsFor: (promptIndex: number, choice: number) => SamplingParams,
): ChoicePlan[] {
  const plans: ChoicePlan[] = [];
  prompts.forEach((ids, promptIndex) => {
    for (let i = 0; i < n; i++)
      plans.push({ index: promptIndex * n + i, promptIndex, promptTokenIds: ids, params: paramsFor(promptIndex, i) });
  });
  return plans;
}
