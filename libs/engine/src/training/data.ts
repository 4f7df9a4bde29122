import { readFileSync } from 'node:fs';
import { checkVerbalizer, verbalizeRecord, type Verbalizer } from '../verbalizer';
import type { TrainSequence } from './forward-backward';
import { createRng } from './tensor';

export type InstructLabRole = 'system' | 'user' | 'assistant' | 'pretraining';

/** One line of an InstructLab training JSONL file. */
export interface InstructLabRecord {
  id?: string;
  messages: { role: InstructLabRole; content: string }[];
  metadata?: unknown;
  /** Train on every token, not just the assistant's. */
  unmask?: boolean;
}

/** What the data pipeline needs from a tokenizer; the engine's Tokenizer satisfies it structurally. */
export interface TrainingTokenizer {
  encode(text: string, addSpecialTokens?: boolean): number[];
  readonly hasChatTemplate: boolean;
  applyChatTemplate(messages: { role: string; content: string }[], addGenerationPrompt?: boolean): string;
  readonly bosTokenId?: number;
  readonly eosToken?: string;
}

const ROLES: ReadonlySet<string> = new Set(['system', 'user', 'assistant', 'pretraining']);

/**
 * The records of a JSON Lines text, each checked by `validate` as it is parsed, so that a bad line is reported with its
 * line number, not as a crash mid-epoch. Blank lines are skipped.
 */
export function parseJsonl<T>(text: string, validate: (rec: unknown, where: string) => T): T[] {
  const out: T[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    let rec: unknown;
    try {
      rec = JSON.parse(line);
    } catch (e) {
      throw new Error(`line ${i + 1}: invalid JSON (${(e as Error).message})`);
    }
    out.push(validate(rec, `line ${i + 1}`));
  });
  return out;
}

export function parseInstructLabJsonl(text: string): InstructLabRecord[] {
  return parseJsonl(text, validateRecord);
}

export function readInstructLabJsonl(path: string): InstructLabRecord[] {
  return parseInstructLabJsonl(readFileSync(path, 'utf8'));
}

export function validateRecord(rec: unknown, where = 'record'): InstructLabRecord {
  const r = rec as Partial<InstructLabRecord> | null;
  if (!r || typeof r !== 'object' || !Array.isArray(r.messages) || r.messages.length === 0) {
    throw new Error(`${where}: expected {messages: [...]} with at least one message`);
  }
  for (const m of r.messages) {
    if (!m || !ROLES.has(m.role) || typeof m.content !== 'string') {
      throw new Error(`${where}: each message needs role system|user|assistant|pretraining and string content`);
    }
  }
  if (r.unmask !== undefined && typeof r.unmask !== 'boolean') throw new Error(`${where}: unmask must be a boolean`);
  return r as InstructLabRecord;
}

/** watsonx tuning data (prompt tuning, fine tuning): one input and the answer to learn for it. */
export interface InputOutputRecord {
  id?: string;
  input: string;
  output: string;
}

/** A line the trainer reads: an InstructLab conversation or an `{input, output}` pair. */
export type TrainingRecord = InstructLabRecord | InputOutputRecord;

export function isInputOutputRecord(r: TrainingRecord): r is InputOutputRecord {
  return !('messages' in r);
}

/** Accepts both shapes; `{messages}` records are checked as InstructLab records. */
export function validateTrainingRecord(rec: unknown, where = 'record'): TrainingRecord {
  const r = rec as Record<string, unknown> | null;
  if (r && typeof r === 'object' && !('messages' in r) && ('input' in r || 'output' in r)) {
    if (typeof r.input !== 'string' || typeof r.output !== 'string') throw new Error(`${where}: input and output must be strings`);
    return r as unknown as InputOutputRecord;
  }
  if (r && typeof r === 'object' && !('messages' in r)) throw new Error(`${where}: expected {messages: [...]} or {input, output}`);
  return validateRecord(rec, where);
}

/** JSONL of InstructLab and `{input, output}` lines (they may be mixed), reported by line number. */
export function parseTrainingJsonl(text: string): TrainingRecord[] {
  const out: TrainingRecord[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    let rec: unknown;
    try {
      rec = JSON.parse(line);
    } catch (e) {
      throw new Error(`line ${i + 1}: invalid JSON (${(e as Error).message})`);
    }
    out.push(validateTrainingRecord(rec, `line ${i + 1}`));
  });
  return out;
}

export function readTrainingJsonl(path: string): TrainingRecord[] {
  return parseTrainingJsonl(readFileSync(path, 'utf8'));
}

/** A run of rendered text and whether its tokens are trained on. */
interface Segment {
  text: string;
  train: boolean;
}

export const FALLBACK_EOS = '<|endoftext|>';

/** The plain format used when the tokenizer has no chat template (and the starter model's own template). */
export function renderFallback(messages: { role: string; content: string }[], addGenerationPrompt: boolean, eos = FALLBACK_EOS): string {
  let s = '';
  for (const m of messages) {
    if (m.role === 'assistant') s += `<|assistant|>\n${m.content}${eos}\n`;
    else s += `<|${m.role}|>\n${m.content}\n`;
  }
  if (addGenerationPrompt) s += '<|assistant|>\n';
  return s;
}

/**
 * Splits a rendered conversation into trained and untrained spans. Each assistant turn spans from the end of
 * the history rendered with a generation prompt to the end of the history including that turn, so the
 * template's end-of-turn marker is trained too and the model learns to stop. Templates that rewrite earlier
 * turns (the prefix property fails) fall back to training only the final assistant turn.
 */
function chatSegments(messages: { role: string; content: string }[], render: (m: typeof messages, gen: boolean) => string): Segment[] {
  const segs: Segment[] = [];
  let done = '';
  for (let i = 0; i < messages.length; i++) {
    if (messages[i].role !== 'assistant') continue;
    const prefix = render(messages.slice(0, i), true);
    const full = render(messages.slice(0, i + 1), false);
    if (!prefix.startsWith(done) || !full.startsWith(prefix)) return lastTurnOnly(messages, render);
    if (prefix.length > done.length) segs.push({ text: prefix.slice(done.length), train: false });
    segs.push({ text: full.slice(prefix.length), train: true });
    done = full;
  }
  const whole = render(messages, false);
  if (!whole.startsWith(done)) return lastTurnOnly(messages, render);
  if (whole.length > done.length) segs.push({ text: whole.slice(done.length), train: false });
  return segs;
}

function lastTurnOnly(messages: { role: string; content: string }[], render: (m: typeof messages, gen: boolean) => string): Segment[] {
  let last = messages.length - 1;
  while (last >= 0 && messages[last].role !== 'assistant') last--;
  const whole = render(messages, false);
  if (last < 0) return [{ text: whole, train: false }];
  const prefix = render(messages.slice(0, last), true);
  if (!whole.startsWith(prefix)) return [{ text: whole, train: true }];
  return [
    { text: prefix, train: false },
    { text: whole.slice(prefix.length), train: true },
  ];
}

export interface TokenizeOptions {
  maxSeqLen: number;
  /** Train on all tokens of every record. */
  unmask?: boolean;
  /** How `{input, output}` records become text (default: the input as the prompt, the output as the completion). */
  verbalizer?: Verbalizer;
  /** `{input, output}` records: prompt tokens kept (the first ones, as caikit's prompt tuning truncates). */
  maxInputTokens?: number;
  /** `{input, output}` records: completion tokens kept, EOS included (the first ones). */
  maxOutputTokens?: number;
}

const DEFAULT_VERBALIZER: Verbalizer = { template: '{{input}}' };

/**
 * An `{input, output}` record: the verbalized prompt is encoded as a served text prompt is (with the tokenizer's
 * special tokens, e.g. BOS) and never trained; the completion plus EOS is. The two are encoded separately so the
 * prompt's tokens are exactly those the engine server gives the tuned model.
 */
function tokenizeInputOutput(rec: InputOutputRecord, tok: TrainingTokenizer, opts: TokenizeOptions): TrainSequence | undefined {
  const v = opts.verbalizer ?? DEFAULT_VERBALIZER;
  const { prompt, completion } = verbalizeRecord(v, rec.input, rec.output);
  let promptIds = tok.encode(prompt, true);
  let completionIds = tok.encode(completion + (tok.eosToken ?? FALLBACK_EOS), false);
  if (opts.maxInputTokens !== undefined) promptIds = promptIds.slice(0, opts.maxInputTokens);
  if (opts.maxOutputTokens !== undefined) completionIds = completionIds.slice(0, opts.maxOutputTokens);
  const ids = [...promptIds, ...completionIds].slice(0, opts.maxSeqLen);
  const lossMask = new Uint8Array(ids.length);
  for (let i = promptIds.length; i < ids.length; i++) lossMask[i] = 1;
  if (opts.unmask) lossMask.fill(1);
  lossMask[0] = 0;
  return lossMask.some((x) => x === 1) ? { ids, lossMask } : undefined;
}

/**
 * Renders and tokenizes one record. `pretraining` messages are raw text followed by EOS and always trained
 * (InstructLab's knowledge-style data); everything else goes through the chat template. Returns undefined
 * when truncation leaves nothing to train on.
 */
export function tokenizeRecord(rec: TrainingRecord, tok: TrainingTokenizer, opts: TokenizeOptions): TrainSequence | undefined {
  if (isInputOutputRecord(rec)) return tokenizeInputOutput(rec, tok, opts);
  const eos = tok.eosToken ?? FALLBACK_EOS;
  const chat = rec.messages.filter((m) => m.role !== 'pretraining');
  const segs: Segment[] = [];
  for (const m of rec.messages) if (m.role === 'pretraining') segs.push({ text: m.content + eos, train: true });
  const useTemplate = tok.hasChatTemplate;
  if (chat.length > 0) {
    const render = (ms: { role: string; content: string }[], gen: boolean): string =>
      useTemplate ? tok.applyChatTemplate(ms, gen) : renderFallback(ms, gen, eos);
    segs.push(...chatSegments(chat, render));
  }
  const ids: number[] = [];
  const mask: number[] = [];
  // Our fallback text has no BOS of its own, while chat templates write theirs into the text.
  if (!useTemplate && tok.bosTokenId !== undefined) {
    ids.push(tok.bosTokenId);
    mask.push(0);
  }
  const unmask = opts.unmask || rec.unmask === true;
  for (const s of segs) {
    // Segments are encoded separately so a prompt encodes exactly as it will at inference time.
    const part = tok.encode(s.text, false);
    ids.push(...part);
    for (let i = 0; i < part.length; i++) mask.push(unmask || s.train ? 1 : 0);
  }
  if (ids.length > opts.maxSeqLen) {
    ids.length = opts.maxSeqLen;
    mask.length = opts.maxSeqLen;
  }
  const lossMask = Uint8Array.from(mask);
  lossMask[0] = 0; // the first token has nothing before it to be predicted from
  if (!lossMask.some((v) => v === 1)) return undefined;
  return { ids, lossMask };
}

export interface Dataset {
  sequences: TrainSequence[];
  /** Records dropped because nothing trainable survived truncation. */
  dropped: number;
}

/** Throws naming the record (1-based, with its id) whose rendering fails, e.g. one lacking the response template. */
export function buildDataset(records: readonly TrainingRecord[], tok: TrainingTokenizer, opts: TokenizeOptions): Dataset {
  if (opts.verbalizer) checkVerbalizer(opts.verbalizer);
  const sequences: TrainSequence[] = [];
  let dropped = 0;
  for (const [i, r] of records.entries()) {
    let s: TrainSequence | undefined;
    try {
      s = tokenizeRecord(r, tok, opts);
    } catch (e) {
      throw new Error(`record ${i + 1}${r.id !== undefined ? ` (id ${r.id})` : ''}: ${(e as Error).message}`);
    }
    if (s) sequences.push(s);
    else dropped++;
  }
  return { sequences, dropped };
}

/**
 * Shuffled batches for one epoch. The order depends only on (seed, epoch) so a resumed run replays the same
 * epoch order. Batches hold variable-length sequences: the model runs them one by one and sums gradients,
 * which equals a right-padded batch with padding masked out, without computing the padding.
 */
export function epochBatches<T>(items: readonly T[], batchSize: number, seed: number, epoch: number): T[][] {
  const rng = createRng((seed * 1000003 + epoch) >>> 0);
  const order = items.map((_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  const batches: T[][] = [];
  for (let i = 0; i < order.length; i += batchSize) batches.push(order.slice(i, i + batchSize).map((k) => items[k]));
  return batches;
}
