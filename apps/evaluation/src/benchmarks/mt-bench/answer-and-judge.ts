import type { ChatTurn, ModelClient } from '../../clients/model-client';
import { judge, type Judgment } from '../../judge/judge';
import type { JudgePromptName } from '../../judge/judge-prompts';
import { chatBudget } from './context-budget';
import { NEEDS_REFERENCE, categoryTemperature, type MtQuestion } from './mt-bench-data';

export interface MtSettings {
  judgeModel: string;
  maxTokens: number;
  judgeMaxTokens: number;
  onItem?: () => void;
}

export interface MtAnswer {
  question_id: number | string;
  model: string;
  category: string;
  /** One answer per turn; FastChat's `$ERROR$` when the model could not answer. */
  turns: string[];
}

export interface MtJudgment extends Judgment {
  question_id: number | string;
  model: string;
  judge: string;
  turn: number;
}

export const ANSWER_ERROR = '$ERROR$';

/** The candidate's answers, turn after turn in one conversation, as FastChat's gen_api_answer does. */
export async function answerQuestion(client: ModelClient, modelId: string, q: MtQuestion, s: MtSettings): Promise<MtAnswer> {
  const messages: ChatTurn[] = [];
  const turns: string[] = [];
  for (const turn of q.turns) {
    s.onItem?.();
    messages.push({ role: 'user', content: turn });
    let answer = ANSWER_ERROR;
    try {
      const budget = await chatBudget(client, modelId, messages, s.maxTokens);
      if (budget !== undefined)
        answer = (await client.chat(modelId, messages, { maxTokens: budget, temperature: categoryTemperature(q.category) })).trim();
    } catch {
      answer = ANSWER_ERROR;
    }
    turns.push(answer);
    messages.push({ role: 'assistant', content: answer });
  }
  return { question_id: q.question_id, model: modelId, category: q.category, turns };
}

/** Judges each turn with FastChat's single-answer prompts (reference-based for the categories that need one). */
export async function judgeAnswer(client: ModelClient, q: MtQuestion, a: MtAnswer, s: MtSettings): Promise<MtJudgment[]> {
  const withRef = NEEDS_REFERENCE.has(q.category) && (q.reference?.length ?? 0) > 0;
  const out: MtJudgment[] = [];
  for (let turn = 1; turn <= a.turns.length; turn++) {
    s.onItem?.();
    const base = { question_id: q.question_id, model: a.model, judge: s.judgeModel, turn };
    if (a.turns[turn - 1] === ANSWER_ERROR) {
      out.push({ ...base, prompt: 'single-v1', judgment: '', error: 'the model gave no answer' });
      continue;
    }
    const name: JudgePromptName =
      turn === 1 ? (withRef ? 'single-math-v1' : 'single-v1') : withRef ? 'single-math-v1-multi-turn' : 'single-v1-multi-turn';
    const fields: Record<string, string> =
      turn === 1
        ? { question: q.turns[0], answer: a.turns[0], ref_answer_1: q.reference?.[0] ?? '' }
        : {
            question_1: q.turns[0],
            question_2: q.turns[1],
            answer_1: a.turns[0],
            answer_2: a.turns[1],
            ref_answer_1: q.reference?.[0] ?? '',
            ref_answer_2: q.reference?.[1] ?? '',
          };
    out.push({ ...base, ...(await judge(client, s.judgeModel, name, fields, s.judgeMaxTokens)) });
  }
  return out;
}
