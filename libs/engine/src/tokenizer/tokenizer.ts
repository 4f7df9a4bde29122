import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BpeModel } from './bpe';
import { ChatTemplate, type ChatMessage, selectChatTemplate } from './chat-template';
import {
  type AddedTokenJson,
  type DecoderJson,
  type PostProcessorJson,
  tokenContent,
  type TokenizerConfigJson,
  type TokenizerJson,
} from './json';
import { buildDecoder, buildNormalizer, buildPreTokenizer, type Decode, type Normalize, type PreTokenize } from './pipeline';
import { minTokensOf, tokenBoundOf, type TokenBound } from './token-bound';

export type VocabType = 'byte_level' | 'byte_fallback' | 'raw';

function vocabTypeOf(decoder: DecoderJson | null | undefined): VocabType {
  const types = new Set<string>();
  const walk = (d: DecoderJson | null | undefined): void => {
    if (!d) return;
    types.add(d.type);
    d.decoders?.forEach(walk);
  };
  walk(decoder);
  if (types.has('ByteLevel')) return 'byte_level';
  // Metaspace or Replace('▁', ' '): SentencePiece spelling, with or without byte tokens.
  if (types.has('ByteFallback') || types.has('Metaspace') || types.has('Replace')) return 'byte_fallback';
  return 'raw';
}

/**
 * A Hugging Face fast-tokenizer equivalent for BPE tokenizer.json files. Added tokens are cut out of the
 * text first (so "<|im_start|>" is never split by BPE), each remaining span is normalised, pre-tokenised
 * and BPE-encoded, and the post-processor template adds BOS/EOS when asked.
 */
export class Tokenizer {
  readonly vocabSize: number;
  readonly bosToken?: string;
  readonly eosToken?: string;
  readonly bosTokenId?: number;
  readonly eosTokenId?: number;
  readonly specialIds: ReadonlySet<number>;
  /** Ids of added tokens that are not special: their strings are plain text, not in the vocabulary's byte form. */
  readonly plainAddedIds: ReadonlySet<number>;
  /**
   * How vocabulary strings spell bytes, in xgrammar's terms: GPT-2's byte characters (`byte_level`), SentencePiece's
   * `▁` for space with `<0x0A>`-style byte tokens (`byte_fallback`), or the text itself (`raw`).
   */
  readonly vocabType: VocabType;
  private readonly model: BpeModel;
  private readonly idToTok: string[];
  private readonly tokToId: Map<string, number>;
  private readonly addedByFirstChar = new Map<string, AddedTokenJson[]>();
  private readonly normalize: Normalize;
  private readonly preTokenize: PreTokenize;
  private readonly decoder: Decode;
  private readonly prefixIds: number[];
  private readonly suffixIds: number[];
  private readonly chat?: ChatTemplate;
  private readonly displayCache = new Map<number, string>();
  private readonly bound: TokenBound;

  constructor(json: TokenizerJson, config: TokenizerConfigJson = {}, chatTemplateOverride?: string) {
    this.model = new BpeModel(json.model);
    this.bound = tokenBoundOf(json);
    this.idToTok = [...this.model.idToToken];
    this.tokToId = new Map(this.model.vocab);
    const special = new Set<number>();
    const plainAdded = new Set<number>();
    for (const t of json.added_tokens ?? []) {
      this.idToTok[t.id] = t.content;
      this.tokToId.set(t.content, t.id);
      if (t.special) special.add(t.id);
      else plainAdded.add(t.id);
      const first = t.content[0];
      if (first === undefined) continue;
      const list = this.addedByFirstChar.get(first) ?? [];
      list.push(t);
      list.sort((a, b) => b.content.length - a.content.length); // longest match wins
      this.addedByFirstChar.set(first, list);
    }
    this.specialIds = special;
    for (const id of special) plainAdded.delete(id); // listed twice, once as special
    this.plainAddedIds = plainAdded;
    this.vocabType = vocabTypeOf(json.decoder);
    this.vocabSize = this.idToTok.length;
    this.normalize = buildNormalizer(json.normalizer);
    this.preTokenize = buildPreTokenizer(json.pre_tokenizer);
    this.decoder = buildDecoder(json.decoder);
    this.bosToken = tokenContent(config.bos_token);
    this.eosToken = tokenContent(config.eos_token);
    this.bosTokenId = this.bosToken !== undefined ? this.tokToId.get(this.bosToken) : undefined;
    this.eosTokenId = this.eosToken !== undefined ? this.tokToId.get(this.eosToken) : undefined;
    [this.prefixIds, this.suffixIds] = this.specialTemplate(json.post_processor, config);
    const template = chatTemplateOverride ?? selectChatTemplate(config);
    if (template) {
      this.chat = new ChatTemplate(template, {
        bos_token: this.bosToken ?? '',
        eos_token: this.eosToken ?? '',
        unk_token: tokenContent(config.unk_token) ?? '',
        pad_token: tokenContent(config.pad_token) ?? '',
      });
    }
  }

  /** Reads tokenizer.json, tokenizer_config.json and (newer HF layout) chat_template.jinja from `dir`. */
  static fromDir(dir: string): Tokenizer {
    const json = JSON.parse(readFileSync(join(dir, 'tokenizer.json'), 'utf8')) as TokenizerJson;
    const configPath = join(dir, 'tokenizer_config.json');
    const config = existsSync(configPath) ? (JSON.parse(readFileSync(configPath, 'utf8')) as TokenizerConfigJson) : {};
    const jinjaPath = join(dir, 'chat_template.jinja');
    const template = existsSync(jinjaPath) ? readFileSync(jinjaPath, 'utf8') : undefined;
    return new Tokenizer(json, config, template);
  }

  /**
   * tokenizer_config's add_bos_token/add_eos_token override the post-processor, as transformers does for
   * Llama tokenizers; otherwise the post-processor's single-sequence template decides.
   */
  private specialTemplate(pp: PostProcessorJson | null | undefined, config: TokenizerConfigJson): [number[], number[]] {
    if (config.add_bos_token !== undefined || config.add_eos_token !== undefined) {
      const pre = config.add_bos_token && this.bosTokenId !== undefined ? [this.bosTokenId] : [];
      const post = config.add_eos_token && this.eosTokenId !== undefined ? [this.eosTokenId] : [];
      return [pre, post];
    }
    if (!pp) return [[], []];
    switch (pp.type) {
      case 'TemplateProcessing': {
        const pre: number[] = [];
        const post: number[] = [];
        let seenSequence = false;
        for (const piece of pp.single ?? []) {
          if ('Sequence' in piece) seenSequence = true;
          else (seenSequence ? post : pre).push(...(pp.special_tokens?.[piece.SpecialToken.id]?.ids ?? []));
        }
        return [pre, post];
      }
      case 'RobertaProcessing':
      case 'BertProcessing':
        return [pp.cls ? [pp.cls[1]] : [], pp.sep ? [pp.sep[1]] : []];
      case 'Sequence':
        return (pp.processors ?? []).reduce<[number[], number[]]>(
          ([a, b], p) => {
            const [c, d] = this.specialTemplate(p, {});
            return [
              [...a, ...c],
              [...d, ...b],
            ];
          },
          [[], []],
        );
      default:
        return [[], []]; // ByteLevel and friends only touch offsets
    }
  }

  /**
   * Iterative throughout: one word may be the whole text (200,000 characters without a space), so its ids are
   * appended one by one, never spread into a call's arguments (which overflowed the stack).
   */
  encode(text: string, addSpecialTokens = true): number[] {
    const ids: number[] = [];
    const append = (more: readonly number[]): void => {
      for (const id of more) ids.push(id);
    };
    if (addSpecialTokens) append(this.prefixIds);
    for (const seg of this.splitAddedTokens(text)) {
      if (typeof seg === 'number') {
        ids.push(seg);
        continue;
      }
      const normalized = this.normalize(seg.text);
      for (const piece of this.preTokenize(normalized, seg.start === 0)) {
        if (piece.length > 0) append(this.model.encodeWord(piece));
      }
    }
    if (addSpecialTokens) append(this.suffixIds);
    return ids;
  }

  /**
   * A lower bound on `encode(text, false).length` from the text's length alone, in one pass without tokenizing: no
   * token covers more bytes than the longest one holds (see token-bound.ts). 0 for tokenizers that allow no bound.
   */
  minTokens(text: string): number {
    return minTokensOf(this.bound, text);
  }

  private splitAddedTokens(text: string): (number | { text: string; start: number })[] {
    const out: (number | { text: string; start: number })[] = [];
    if (this.addedByFirstChar.size === 0) return text ? [{ text, start: 0 }] : [];
    let segStart = 0;
    let i = 0;
    while (i < text.length) {
      const found = this.addedByFirstChar.get(text[i])?.find((t) => text.startsWith(t.content, i) && this.wordBoundaryOk(t, text, i));
      if (!found) {
        i++;
        continue;
      }
      let start = i;
      let end = i + found.content.length;
      if (found.lstrip) while (start > segStart && /\s/u.test(text[start - 1])) start--;
      if (found.rstrip) while (end < text.length && /\s/u.test(text[end])) end++;
      if (start > segStart) out.push({ text: text.slice(segStart, start), start: segStart });
      out.push(found.id);
      segStart = i = end;
    }
    if (segStart < text.length) out.push({ text: text.slice(segStart), start: segStart });
    return out;
  }

  private wordBoundaryOk(t: AddedTokenJson, text: string, at: number): boolean {
    if (!t.single_word) return true;
    const isWord = (c: string | undefined): boolean => c !== undefined && /[\p{L}\p{N}_]/u.test(c);
    return !isWord(text[at - 1]) && !isWord(text[at + t.content.length]);
  }

  decode(ids: number[], skipSpecialTokens = false): string {
    const tokens: string[] = [];
    for (const id of ids) {
      if (skipSpecialTokens && this.specialIds.has(id)) continue;
      const tok = this.idToTok[id];
      if (tok !== undefined) tokens.push(tok);
    }
    if (tokens.length === 0) return '';
    return this.decoder(tokens, true).join('');
  }

  /** The text one token contributes in the middle of a sequence (for logprobs display). */
  tokenToString(id: number): string {
    const cached = this.displayCache.get(id);
    if (cached !== undefined) return cached;
    const tok = this.idToTok[id];
    const s = tok === undefined ? '' : this.specialIds.has(id) ? tok : this.decoder([tok], false).join('');
    this.displayCache.set(id, s);
    return s;
  }

  idToToken(id: number): string | undefined {
    return this.idToTok[id];
  }

  tokenToId(token: string): number | undefined {
    return this.tokToId.get(token);
  }

  get hasChatTemplate(): boolean {
    return this.chat !== undefined;
  }

  applyChatTemplate(messages: ChatMessage[], addGenerationPrompt = true, extra?: Record<string, unknown>): string {
    if (!this.chat) throw new Error('tokenizer has no chat_template');
    return this.chat.render(messages, addGenerationPrompt, extra);
  }
}
