import type { ServedModel } from '@platform/engine';
import { InvalidRequest, modelNotFound } from '../errors';
import { type Json, isTokenIds, optString } from '../http/body';
import type { ModelRegistry } from '../models';
import { verbalizeTextPrompt } from '../verbalize';
import { refuseTextBeyondContext } from './sampling';

/** The `model` field: absent means the default model, unknown is vLLM's 404. */
export function resolveModel(models: ModelRegistry, body: Json): ServedModel {
  const name = optString(body, 'model');
  const model = models.find(name);
  if (!model) throw modelNotFound(name ?? '');
  return model;
}

export interface Prompt {
  ids: number[];
  /** The prompt as text (verbalized for a tuned model: what the model was given), for echo and TGI's return_full_text. */
  text: string;
}

/** Checks token ids against the vocabulary and applies vLLM's left truncation (`truncate_prompt_tokens`). */
export function prepareIds(model: ServedModel, ids: number[], truncate: number | undefined, param: string): number[] {
  const vocab = model.config.vocab_size;
  const bad = ids.find((t) => t >= vocab);
  if (bad !== undefined) throw new InvalidRequest(`Token id ${bad} is out of vocabulary`, param);
  return truncate !== undefined && ids.length > truncate ? ids.slice(ids.length - truncate) : ids;
}

/** How many prompts `value` holds as readPrompts reads it, without tokenizing any (1 for what it would refuse). */
export function promptCount(value: unknown): number {
  return Array.isArray(value) && value.length > 0 && typeof value[0] !== 'number' ? value.length : 1;
}

/**
 * OpenAI's prompt forms: a string, a list of strings, a list of token ids, or a list of token id lists. With
 * `verbalize` (text generation, not embeddings) a tuned model's text prompts go through its verbalizer.
 */
export function readPrompts(
  model: ServedModel,
  value: unknown,
  addSpecialTokens: boolean,
  truncate: number | undefined,
  param = 'prompt',
  verbalize = false,
): Prompt[] {
  const one = (p: unknown): Prompt => {
    if (typeof p === 'string') {
      const text = verbalize ? verbalizeTextPrompt(model, p) : p;
      if (truncate === undefined) refuseTextBeyondContext(model, text, param);
      const full = model.encode(text, addSpecialTokens);
      const ids = prepareIds(model, full, truncate, param);
      return { ids, text: ids.length === full.length ? text : model.decode(ids, true) };
    }
    if (isTokenIds(p)) {
      const ids = prepareIds(model, p, truncate, param);
      return { ids, text: model.decode(ids, true) };
    }
    throw new InvalidRequest(`${param} must be a string, a list of strings, a list of token ids or a list of token id lists`, param);
  };
  let prompts: Prompt[];
  if (typeof value === 'string') prompts = [one(value)];
  else if (Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'number')) prompts = [one(value)];
  else if (Array.isArray(value) && value.length > 0) prompts = value.map(one);
  else if (value === undefined || value === null) throw new InvalidRequest(`${param} is required`, param);
  else throw new InvalidRequest(`${param} must not be empty`, param);
  if (prompts.some((p) => p.ids.length === 0)) throw new InvalidRequest('Prompt cannot be empty', param);
  return prompts;
}
