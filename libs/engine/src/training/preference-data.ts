import { readFileSync } from 'node:fs';
import { FALLBACK_EOS, parseJsonl, renderFallback, type TrainingTokenizer } from './data';
import type { TrainSequence } from './forward-backward';

export type PreferenceRole = 'system' | 'user' | 'assistant';

/**
 * One preference pair: two answers to the same prompt, the first preferred. A string prompt is raw text (the answer
 * follows it directly and ends with EOS); a messages prompt goes through the chat template and each answer is the
 * assistant turn that follows it, end-of-turn marker included, as data.ts renders SFT records.
 */
export interface PreferenceRecord {
  id?: string;
  prompt: string | { role: PreferenceRole; content: string }[];
  chosen: string;
  rejected: string;
}

/** A tokenized pair: same prompt tokens, and only the answer's tokens scored. */
export interface PreferencePair {
  chosen: TrainSequence;
  rejected: TrainSequence;
}

const ROLES: ReadonlySet<string> = new Set(['system', 'user', 'assistant']);

export function parsePreferenceJsonl(text: string): PreferenceRecord[] {
  return parseJsonl(text, validatePreferenceRecord);
}

export function readPreferenceJsonl(path: string): PreferenceRecord[] {
  return parsePreferenceJsonl(readFileSync(path, 'utf8'));
}

export function validatePreferenceRecord(rec: unknown, where = 'record'): PreferenceRecord {
  if (!rec || typeof rec !== 'object' || Array.isArray(rec)) throw new Error(`${where}: expected an object {prompt, chosen, rejected}`);
  const r = rec as Record<string, unknown>;
  if (Array.isArray(r.prompt)) {
    if (r.prompt.length === 0) throw new Error(`${where}: prompt must be a string or a non-empty messages array`);
    r.prompt.forEach((m: unknown, k) => {
      const msg = m as { role?: unknown; content?: unknown } | null;
      if (!msg || typeof msg !== 'object' || typeof msg.role !== 'string' || !ROLES.has(msg.role) || typeof msg.content !== 'string') {
        throw new Error(`${where}: prompt[${k}] needs role system|user|assistant and string content`);
      }
    });
  } else if (typeof r.prompt !== 'string') {
    throw new Error(`${where}: prompt must be a string or a messages array`);
  }
  for (const k of ['chosen', 'rejected'] as const) if (typeof r[k] !== 'string') throw new Error(`${where}: ${k} must be a string`);
  if (r.id !== undefined && typeof r.id !== 'string') throw new Error(`${where}: id must be a string`);
  return r as unknown as PreferenceRecord;
}

export interface PreferenceTokenizeOptions {
  maxSeqLen: number;
}

/** The prompt text and one answer's text, split where scoring starts. */
function renderPair(rec: PreferenceRecord, answer: string, tok: TrainingTokenizer): { prompt: string; answer: string } {
  const eos = tok.eosToken ?? FALLBACK_EOS;
  if (typeof rec.prompt === 'string') return { prompt: rec.prompt, answer: answer + eos };
  const render = (ms: { role: string; content: string }[], gen: boolean): string =>
    tok.hasChatTemplate ? tok.applyChatTemplate(ms, gen) : renderFallback(ms, gen, eos);
  const prefix = render(rec.prompt, true);
  const full = render([...rec.prompt, { role: 'assistant', content: answer }], false);
  // A template that rewrites the history once an answer follows cannot be split; score the bare answer then.
  return full.startsWith(prefix) ? { prompt: prefix, answer: full.slice(prefix.length) } : { prompt: prefix, answer: answer + eos };
}

function answerSequence(promptIds: number[], answerIds: number[], maxSeqLen: number): TrainSequence | undefined {
  const ids = [...promptIds, ...answerIds].slice(0, maxSeqLen);
  const lossMask = new Uint8Array(ids.length);
  for (let j = Math.max(1, promptIds.length); j < ids.length; j++) lossMask[j] = 1;
  return lossMask.some((v) => v === 1) ? { ids, lossMask } : undefined;
}

/**
 * Tokenizes a pair: prompt tokens then the answer's, truncated to maxSeqLen. Prompt and answer are encoded separately so the prompt encodes exactly as at
 * inference time. Returns undefined when truncation leaves either answer without a scored token.
 */
export function tokenizePreference(
  rec: PreferenceRecord,
  tok: TrainingTokenizer,
  opts: PreferenceTokenizeOptions,
): PreferencePair | undefined {
  const chosen = renderPair(rec, rec.chosen, tok);
  const rejected = renderPair(rec, rec.rejected, tok);
  // A text prompt encodes as the engine server encodes a served text prompt (special tokens such as BOS added); a
  // chat template writes its own BOS, and the plain fallback chat rendering gets one as data.ts gives it.
  const promptIds =
    typeof rec.prompt === 'string'
      ? tok.encode(chosen.prompt, true)
      : [...(!tok.hasChatTemplate && tok.bosTokenId !== undefined ? [tok.bosTokenId] : []), ...tok.encode(chosen.prompt, false)];
  const c = answerSequence(promptIds, tok.encode(chosen.answer, false), opts.maxSeqLen);
  const r = answerSequence(promptIds, tok.encode(rejected.answer, false), opts.maxSeqLen);
  return c && r ? { chosen: c, rejected: r } : undefined;
}

export interface PreferenceDataset {
  pairs: PreferencePair[];
  /** Records dropped because truncation left an answer with nothing to score. */
  dropped: number;
}

export function buildPreferenceDataset(
  records: readonly PreferenceRecord[],
  tok: TrainingTokenizer,
  opts: PreferenceTokenizeOptions,
): PreferenceDataset {
  const pairs: PreferencePair[] = [];
  let dropped = 0;
  for (const rec of records) {
    const p = tokenizePreference(rec, tok, opts);
    if (p) pairs.push(p);
    else dropped++;
  }
  return { pairs, dropped };
}
