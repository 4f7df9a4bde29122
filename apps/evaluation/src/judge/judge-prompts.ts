import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const MT_BENCH_DIR = resolve(__dirname, '../../data/mt_bench');

export interface JudgePrompt {
  name: string;
  system_prompt: string;
  prompt_template: string;
}

export type JudgePromptName = 'single-v1' | 'single-v1-multi-turn' | 'single-math-v1' | 'single-math-v1-multi-turn';

let cache: Map<string, JudgePrompt> | undefined;

/** FastChat's judge templates (data/mt_bench/judge_prompts.jsonl). */
export function judgePrompt(name: JudgePromptName): JudgePrompt {
  cache ??= new Map(
    readFileSync(join(MT_BENCH_DIR, 'judge_prompts.jsonl'), 'utf8')
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l) as JudgePrompt)
      .map((p) => [p.name, p]),
  );
  const p = cache.get(name);
  if (!p) throw new Error(`judge prompt ${name} missing from judge_prompts.jsonl`);
  return p;
}

/** Fills `{name}` placeholders (FastChat's str.format with named fields). */
export function fillTemplate(template: string, fields: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) => (key in fields ? fields[key] : whole));
}

/**
 * The judge's messages. System and user are merged into one user turn, as InstructLab does for its Mixtral-based
 * judge (`merge_system_user_message`): small chat templates handle one user turn best.
 */
export function judgeMessages(name: JudgePromptName, fields: Record<string, string>): { role: 'user'; content: string }[] {
  const p = judgePrompt(name);
  const user = fillTemplate(p.prompt_template, fields);
  return [{ role: 'user', content: p.system_prompt ? `${p.system_prompt}\n\n${user}` : user }];
}
